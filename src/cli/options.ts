/**
 * A command line read with node:util parseArgs against the options a command declares. Anything
 * else is bad input naming the option, the value given and what is accepted. Values may start with
 * a dash (`--mtu -1`), so that the value's own check names the option rather than parseArgs.
 */
import { parseArgs } from 'node:util';
import { BadInputError } from '../core/errors.js';

export interface OptionDeclaration {
  readonly type: 'string' | 'boolean';
}

export type OptionDeclarations = Readonly<Record<string, OptionDeclaration>>;

export type OptionValues<O extends OptionDeclarations> = {
  -readonly [K in keyof O]?: O[K]['type'] extends 'string' ? string : true;
};

export interface CommandLine<O extends OptionDeclarations> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
  /** Arguments after "--", when the command takes them. */
  readonly rest: readonly string[];
}

export interface CommandLineForm {
  /** How many arguments besides the options the command takes. */
  readonly maxPositionals?: number;
  /** The accepted form named when there are more. */
  readonly positionalsForm?: string;
  /** Whether the arguments after "--" are the command's own (e.g. a program to run). */
  readonly takesRest?: boolean;
  /** Where the accepted options are described, named when an unknown one is given. */
  readonly help?: string;
}

export function parseCommandLine<const O extends OptionDeclarations>(
  args: readonly string[],
  options: O,
  form: CommandLineForm = {},
): CommandLine<O> {
  const { tokens } = parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  let rest: readonly string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      if (form.takesRest) rest = args.slice(token.index + 1);
      else positionals.push(...args.slice(token.index + 1));
      break;
    }
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    const declared = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    const wellFormed = token.rawName.startsWith('--') && (declared?.type === 'string' || !token.inlineValue);
    if (!declared || !wellFormed) {
      throw new BadInputError('option', args[token.index]!, acceptedOptions(options, form.help));
    }
    if (declared.type === 'boolean') {
      values[token.name] = true;
      continue;
    }
    // An explicit empty value is a mistake on a command line (unlike an unset variable).
    if (token.value === undefined || token.value.trim() === '') {
      throw new BadInputError(
        `option --${token.name}`,
        token.value ?? '',
        `--${token.name} VALUE with a non-empty value`,
      );
    }
    values[token.name] = token.value;
  }
  const maxPositionals = form.maxPositionals ?? 0;
  if (positionals.length > maxPositionals) {
    throw new BadInputError(
      'argument',
      positionals.slice(maxPositionals).join(' '),
      form.positionalsForm ?? 'options of the form --name VALUE (see --help)',
    );
  }
  return { values: values as OptionValues<O>, positionals, rest };
}

/** Options that each take a value, named by a list (e.g. the session settings). */
export function stringOptions<const N extends string>(
  names: readonly N[],
): Record<N, { readonly type: 'string' }> {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as Record<
    N,
    { readonly type: 'string' }
  >;
}

function acceptedOptions(options: OptionDeclarations, help: string | undefined): string {
  const names = Object.keys(options);
  const list = names.length === 0 ? 'no options' : `one of ${names.map((name) => `--${name}`).join(', ')}`;
  return help === undefined ? list : `${list} (see ${help})`;
}
