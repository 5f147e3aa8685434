import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import { parseCommandArgs } from '../../../src/cli/settings.js';

describe('CLI cache scope', () => {
  it('defaults to "default" with no fallback', () => {
    expect(parseCommandArgs([], {}).cacheScope).toEqual({ write: 'default', read: ['default'] });
  });

  it('takes the scope and fallbacks from options, over the environment', () => {
    const env = { SECURE_DIND_CACHE_SCOPE: 'from-env', SECURE_DIND_CACHE_FALLBACK: 'x' };
    expect(
      parseCommandArgs(['--cache-scope', 'feature', '--cache-fallback', 'main, release'], env).cacheScope,
    ).toEqual({
      write: 'feature',
      read: ['feature', 'main', 'release'],
    });
    expect(parseCommandArgs([], env).cacheScope).toEqual({ write: 'from-env', read: ['from-env', 'x'] });
  });

  it('names the option, the value and the accepted form of a bad scope', () => {
    let error: unknown;
    try {
      parseCommandArgs(['--cache-fallback', 'main,../etc'], {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect(String((error as Error).message)).toMatch(
      /--cache-fallback.*main,\.\.\/etc.*comma-separated list of scopes/s,
    );
  });
});
