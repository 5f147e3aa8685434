import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../../src/cli/settings.js';

describe('CLI settings', () => {
  it('reads options in both forms and environment variables, options winning', () => {
    const parsed = parseCommandArgs(
      ['--image', 'a/b:1', '--cache-key=k1', '--json', 'pos', '--', 'echo', 'hi'],
      { SECURE_DIND_IMAGE: 'ignored:1', SECURE_DIND_MTU: '1400' },
      ['json'],
      1,
    );
    expect(parsed.config.image).toBe('a/b:1');
    expect(parsed.config.cacheKey).toBe('k1');
    expect(parsed.config.mtu).toBe(1400);
    expect([...parsed.flags]).toEqual(['json']);
    expect(parsed.positionals).toEqual(['pos']);
    expect(parsed.rest).toEqual(['echo', 'hi']);
  });

  it('supports --no-cache', () => {
    expect(parseCommandArgs(['--no-cache'], {}).config.cache).toBe(false);
  });

  it.each([
    [['--mtu', '50'], {}, /option --mtu/],
    [[], { SECURE_DIND_MTU: '50' }, /environment variable SECURE_DIND_MTU/],
    [['--privileged'], {}, /invalid option: "--privileged"/],
    [['-v', '/:/host'], {}, /invalid option: "-v"/],
    [['stray'], {}, /invalid argument: "stray"/],
    [['--image'], {}, /option --image/],
    [['--image', ''], {}, /option --image.*non-empty/],
    [['--cache-key='], {}, /option --cache-key.*non-empty/],
    [['--daemon-config', '{"hosts":[]}'], {}, /option --daemon-config/],
  ])('refuses %j %j naming where the value came from', (args, env, message) => {
    expect(() => parseCommandArgs(args, env)).toThrow(message);
  });
});
