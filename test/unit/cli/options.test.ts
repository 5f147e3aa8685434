import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli/options.js';

const OPTIONS = { name: { type: 'string' }, json: { type: 'boolean' } } as const;

describe('parseCommandLine', () => {
  it('reads declared options in both forms, values starting with a dash, positionals and what follows --', () => {
    const line = parseCommandLine(['--name', '-1', 'a', '--json', '--', '--not-ours'], OPTIONS, {
      maxPositionals: 1,
      takesRest: true,
    });
    expect(line).toEqual({ values: { name: '-1', json: true }, positionals: ['a'], rest: ['--not-ours'] });
    expect(parseCommandLine(['--name=x'], OPTIONS).values).toEqual({ name: 'x' });
  });

  it.each([
    [['--other'], /invalid option: "--other" \(expected one of --name, --json\)/],
    [['--other=1'], /invalid option: "--other=1"/],
    [['--json=yes'], /invalid option: "--json=yes"/],
    [['-n'], /invalid option: "-n"/],
    [['--name'], /invalid option --name: "" \(expected --name VALUE with a non-empty value\)/],
    [['--name', ' '], /invalid option --name: " "/],
    [['stray'], /invalid argument: "stray" \(expected options of the form --name VALUE/],
    [['--', 'stray'], /invalid argument: "stray"/],
  ])('refuses %j, naming the option, the value and the accepted form', (args, message) => {
    expect(() => parseCommandLine(args, OPTIONS)).toThrow(message);
  });

  it('names the help to read and the accepted arguments when the command gives them', () => {
    expect(() => parseCommandLine(['--x'], {}, { help: 'secure-dind sidecar --help' })).toThrow(
      'invalid option: "--x" (expected no options (see secure-dind sidecar --help))',
    );
    expect(() =>
      parseCommandLine(['probe', 'now'], {}, { maxPositionals: 1, positionalsForm: 'nothing or probe' }),
    ).toThrow('invalid argument: "now" (expected nothing or probe)');
  });
});
