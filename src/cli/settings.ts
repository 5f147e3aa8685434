/**
 * CLI options that mirror session settings: `--<setting> VALUE` or `--<setting>=VALUE`, each also
 * read from SECURE_DIND_<SETTING> (options win). `--no-cache` is short for `--cache=false`.
 */
import {
  type RawSettings,
  SETTING_DOCS,
  SETTING_NAMES,
  type SessionConfig,
  type SettingName,
  parseSessionConfig,
  settingEnvName,
} from '../core/config.js';
import { BadInputError } from '../core/errors.js';

export interface ParsedArgs {
  readonly config: SessionConfig;
  /** Flags the command declared, e.g. json, verbose. */
  readonly flags: ReadonlySet<string>;
  readonly positionals: readonly string[];
  /** Arguments after "--". */
  readonly rest: readonly string[];
}

/**
 * Parses a command's arguments. Unknown options are bad input; `flags` are the boolean options the
 * command accepts besides the settings.
 */
export function parseCommandArgs(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  flags: readonly string[] = [],
  maxPositionals = 0,
): ParsedArgs {
  const raw: RawSettings = {};
  const source = new Map<SettingName, string>();
  for (const setting of SETTING_NAMES) {
    const value = env[settingEnvName(setting)];
    if (value !== undefined && value !== '') {
      raw[setting] = value;
      source.set(setting, `environment variable ${settingEnvName(setting)}`);
    }
  }
  const seenFlags = new Set<string>();
  const positionals: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      rest = args.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new BadInputError('option', arg, 'options of the form --name VALUE (see --help)');
    }
    const [name, inlineValue] = splitOption(arg.slice(2));
    if (name === 'no-cache' && inlineValue === undefined) {
      raw.cache = 'false';
      source.set('cache', 'option --no-cache');
      continue;
    }
    if (flags.includes(name) && inlineValue === undefined) {
      seenFlags.add(name);
      continue;
    }
    if (!(SETTING_NAMES as readonly string[]).includes(name)) {
      throw new BadInputError(
        'option',
        arg,
        `one of ${[...SETTING_NAMES, 'no-cache', ...flags].map((n) => `--${n}`).join(', ')}`,
      );
    }
    const setting = name as SettingName;
    const value = inlineValue ?? args[++i];
    // An explicit empty value is a mistake on a command line (unlike an unset input or variable).
    if (value === undefined || value.trim() === '') {
      throw new BadInputError(
        `option --${setting}`,
        value ?? '',
        `--${setting} VALUE with a non-empty value`,
      );
    }
    raw[setting] = value;
    source.set(setting, `option --${setting}`);
  }
  if (positionals.length > maxPositionals) {
    throw new BadInputError(
      'argument',
      positionals.slice(maxPositionals).join(' '),
      'options of the form --name VALUE (see --help)',
    );
  }
  const config = parseSessionConfig(raw, (setting) => source.get(setting) ?? `setting ${setting}`);
  return { config, flags: seenFlags, positionals, rest };
}

function splitOption(text: string): [string, string | undefined] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
}

/** The options part of a command's usage text. */
export function settingsUsage(): string {
  return SETTING_NAMES.map((setting) => {
    const doc = SETTING_DOCS[setting];
    const fallback = doc.default === undefined ? '' : ` (default: ${doc.default})`;
    return `  --${setting.padEnd(22)} ${doc.description}${fallback}\n  ${''.padEnd(24)} env ${settingEnvName(setting)}`;
  }).join('\n');
}
