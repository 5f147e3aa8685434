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
import { type CacheScope, DEFAULT_SCOPE, SCOPE_FORM, cacheScope, isScopeName } from '../core/generations.js';
import { type OptionValues, parseCommandLine, stringOptions } from './options.js';

export interface ParsedArgs<F extends string = string> {
  readonly config: SessionConfig;
  /** --cache-scope and --cache-fallback (the CLI's caller decides the scope). */
  readonly cacheScope: CacheScope;
  /** Flags the command declared, e.g. json, verbose. */
  readonly flags: ReadonlySet<F>;
  readonly positionals: readonly string[];
  /** Arguments after "--". */
  readonly rest: readonly string[];
}

/** The command-line options that set session settings. */
export const SETTING_OPTIONS = { ...stringOptions(SETTING_NAMES), 'no-cache': { type: 'boolean' } } as const;

/** Options naming the cache scope: the one a session commits to, and those it may start from. */
const SCOPE_OPTIONS = stringOptions(['cache-scope', 'cache-fallback'] as const);

/**
 * Parses a command's arguments. Unknown options are bad input; `flags` are the boolean options the
 * command accepts besides the settings.
 */
export function parseCommandArgs<const F extends string>(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  flags: readonly F[] = [],
  maxPositionals = 0,
): ParsedArgs<F> {
  const flagOptions = Object.fromEntries(flags.map((flag) => [flag, { type: 'boolean' } as const]));
  const options = { ...SETTING_OPTIONS, ...SCOPE_OPTIONS, ...flagOptions };
  const line = parseCommandLine(args, options, { maxPositionals, takesRest: true });
  const values: Partial<Record<string, string | true>> = line.values;
  return {
    config: sessionConfigFrom(line.values, env),
    cacheScope: cacheScopeFrom(line.values, env),
    flags: new Set(flags.filter((flag) => values[flag] === true)),
    positionals: line.positionals,
    rest: line.rest,
  };
}

/** Session settings from the environment, overridden by the options given. */
export function sessionConfigFrom(
  options: OptionValues<typeof SETTING_OPTIONS>,
  env: NodeJS.ProcessEnv,
): SessionConfig {
  const raw: RawSettings = {};
  const source = new Map<SettingName, string>();
  for (const setting of SETTING_NAMES) {
    const value = env[settingEnvName(setting)];
    if (value !== undefined && value !== '') {
      raw[setting] = value;
      source.set(setting, `environment variable ${settingEnvName(setting)}`);
    }
  }
  for (const setting of SETTING_NAMES) {
    const value = options[setting];
    if (value !== undefined) {
      raw[setting] = value;
      source.set(setting, `option --${setting}`);
    }
  }
  if (options['no-cache']) {
    raw.cache = 'false';
    source.set('cache', 'option --no-cache');
  }
  return parseSessionConfig(raw, (setting) => source.get(setting) ?? `setting ${setting}`);
}

/** --cache-scope SCOPE (default "default") and --cache-fallback A,B; also SECURE_DIND_CACHE_SCOPE/_FALLBACK. */
function cacheScopeFrom(options: OptionValues<typeof SCOPE_OPTIONS>, env: NodeJS.ProcessEnv): CacheScope {
  const read = (name: 'cache-scope' | 'cache-fallback') => {
    const option = options[name];
    if (option !== undefined) return { text: option, source: `option --${name}` };
    return { text: env[settingEnvName(name)] ?? '', source: `environment variable ${settingEnvName(name)}` };
  };
  const write = read('cache-scope');
  const own = write.text.trim() || DEFAULT_SCOPE;
  if (!isScopeName(own)) throw new BadInputError(write.source, write.text, SCOPE_FORM);
  const fallback = read('cache-fallback');
  const fallbacks = fallback.text
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
  for (const scope of fallbacks) {
    if (!isScopeName(scope))
      throw new BadInputError(
        fallback.source,
        fallback.text,
        `a comma-separated list of scopes: ${SCOPE_FORM}`,
      );
  }
  return cacheScope(own, fallbacks);
}

/** The options part of a command's usage text. */
export function settingsUsage(): string {
  return SETTING_NAMES.map((setting) => {
    const doc = SETTING_DOCS[setting];
    const fallback = doc.default === undefined ? '' : ` (default: ${doc.default})`;
    return `  --${setting.padEnd(22)} ${doc.description}${fallback}\n  ${''.padEnd(24)} env ${settingEnvName(setting)}`;
  })
    .concat(
      `  --${'cache-scope'.padEnd(22)} The generation scope a session starts from and commits to (default: default)\n  ${''.padEnd(24)} env ${settingEnvName('cache-scope')}`,
      `  --${'cache-fallback'.padEnd(22)} Comma-separated scopes to start from when the own scope has no generation\n  ${''.padEnd(24)} env ${settingEnvName('cache-fallback')}`,
    )
    .join('\n');
}
