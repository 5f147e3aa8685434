import { describe, expect, it } from 'vitest';
import { deriveCacheScope } from '../../../src/github/cache-key.js';

const repository = { default_branch: 'main', full_name: 'acme/app' };

describe('GitHub cache scope', () => {
  it('a push to a branch commits to that branch and starts from it, else from the default branch', () => {
    expect(
      deriveCacheScope({
        repository: 'acme/app',
        eventName: 'push',
        event: { repository },
        ref: 'refs/heads/feature',
      }),
    ).toEqual({
      write: 'refs/heads/feature',
      read: ['refs/heads/feature', 'refs/heads/main'],
    });
  });

  it('a push to the default branch reads and writes only its own scope', () => {
    expect(
      deriveCacheScope({
        repository: 'acme/app',
        eventName: 'push',
        event: { repository },
        ref: 'refs/heads/main',
      }),
    ).toEqual({
      write: 'refs/heads/main',
      read: ['refs/heads/main'],
    });
  });

  it('a pull request commits to its merge ref and falls back to its base, then the default branch', () => {
    const event = {
      repository,
      pull_request: { base: { ref: 'release' }, head: { repo: { full_name: 'acme/app' } } },
    };
    expect(
      deriveCacheScope({
        repository: 'acme/app',
        eventName: 'pull_request',
        event,
        ref: 'refs/pull/7/merge',
      }),
    ).toEqual({
      write: 'refs/pull/7/merge',
      read: ['refs/pull/7/merge', 'refs/heads/release', 'refs/heads/main'],
    });
  });

  it('without a usable ref, the default branch is the scope; without a payload, "default"', () => {
    expect(
      deriveCacheScope({
        repository: 'acme/app',
        eventName: 'push',
        event: { repository },
        ref: 'refs/heads/a b',
      }).write,
    ).toBe('refs/heads/main');
    expect(deriveCacheScope({ repository: 'acme/app', eventName: undefined, event: undefined })).toEqual({
      write: 'default',
      read: ['default'],
    });
  });
});
