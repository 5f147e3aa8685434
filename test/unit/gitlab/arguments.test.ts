import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import { type DriverArgs, parseDriverArgs } from '../../../src/gitlab/arguments.js';

const args = (stage: string | undefined, operands: string[] = [], configPath?: string): DriverArgs => ({
  stage,
  operands,
  configPath,
});

describe('driver command line', () => {
  it.each<[string[], DriverArgs]>([
    [[], args(undefined)],
    [['config'], args('config')],
    [['run', '/tmp/script', 'build_script'], args('run', ['/tmp/script', 'build_script'])],
    [['config', '--config', '/etc/g.json'], args('config', [], '/etc/g.json')],
    [['--config=/etc/g.json', 'cleanup'], args('cleanup', [], '/etc/g.json')],
    [['run', '--config', '/g.json', '/s', 'step_script'], args('run', ['/s', 'step_script'], '/g.json')],
    // The option's value is whatever follows, as the runner passes config_args through.
    [['config', '--config', '-odd.json'], args('config', [], '-odd.json')],
    [['config', '--config='], args('config', [], '')],
    // Anything else stays in place, so that the dispatch answers it with its usage.
    [['--verbose', 'config'], args('--verbose', ['config'])],
    [['-ab', 'config'], args('-ab', ['config'])],
    [['--level=2', 'prepare'], args('--level=2', ['prepare'])],
    [['--', 'config'], args('--', ['config'])],
  ])('%j', (argv, expected) => {
    expect(parseDriverArgs(argv)).toEqual(expected);
  });

  it('refuses --config without a value as bad input naming the option', () => {
    expect(() => parseDriverArgs(['config', '--config'])).toThrow(BadInputError);
    expect(() => parseDriverArgs(['config', '--config'])).toThrow(
      'invalid --config: "" (expected a path to a JSON file)',
    );
  });
});
