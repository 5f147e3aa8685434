import { describe, expect, it } from 'vitest';
import {
  type GitHubRunContext,
  deriveCacheKey,
  untrustedHeadRepository,
} from '../../../src/github/cache-key.js';

const BASE = 'acme/app';

function pullRequest(
  head: string | null,
  options: { fork?: boolean; event?: string } = {},
): GitHubRunContext {
  return {
    repository: BASE,
    eventName: options.event ?? 'pull_request',
    event: {
      pull_request: {
        head: { repo: head === null ? null : { full_name: head, fork: options.fork ?? head !== BASE } },
        base: { repo: { full_name: BASE } },
      },
    },
  };
}

const push: GitHubRunContext = { repository: BASE, eventName: 'push', event: { ref: 'refs/heads/main' } };
const samePr = pullRequest(BASE);
const forkPr = pullRequest('mallory/app');
const otherForkPr = pullRequest('eve/app');

describe('default cache key', () => {
  it('is shared by pushes and pull requests from branches of the same repository', () => {
    expect(deriveCacheKey('', push)).toBe(deriveCacheKey('', samePr));
    expect(deriveCacheKey(undefined, push)).toBe(deriveCacheKey('  ', push));
  });

  it('keeps a fork pull request apart from the base repository and from other forks', () => {
    const keys = new Set([
      deriveCacheKey('', push),
      deriveCacheKey('', forkPr),
      deriveCacheKey('', otherForkPr),
    ]);
    expect(keys.size).toBe(3);
  });

  it('names both repositories for forks and the repository for trusted runs', () => {
    expect(deriveCacheKey('', push)).toContain(BASE);
    expect(deriveCacheKey('', forkPr)).toContain('mallory/app');
    expect(deriveCacheKey('', forkPr)).toContain(BASE);
  });

  it('differs between repositories', () => {
    expect(deriveCacheKey('', push)).not.toBe(deriveCacheKey('', { ...push, repository: 'acme/other' }));
  });

  it('treats every pull request event carrying a fork head as untrusted, pull_request_target included', () => {
    for (const event of ['pull_request_target', 'pull_request_review', 'pull_request_review_comment']) {
      expect(deriveCacheKey('', pullRequest('mallory/app', { event }))).toBe(deriveCacheKey('', forkPr));
    }
  });

  it('does not mistake a branch pull request in a repository that is itself a fork for a fork pull request', () => {
    // head.repo.fork is true for every pull request inside a forked repository.
    expect(deriveCacheKey('', pullRequest(BASE, { fork: true }))).toBe(deriveCacheKey('', push));
  });

  it('compares repository names case-insensitively', () => {
    expect(deriveCacheKey('', pullRequest('ACME/App'))).toBe(deriveCacheKey('', push));
  });

  it('counts a pull request whose head repository was deleted as untrusted', () => {
    expect(untrustedHeadRepository(pullRequest(null))).toBeDefined();
    expect(deriveCacheKey('', pullRequest(null))).not.toBe(deriveCacheKey('', push));
  });

  it('treats a workflow_run started from a fork as untrusted and one from the repository as trusted', () => {
    const run = (head: string): GitHubRunContext => ({
      repository: BASE,
      eventName: 'workflow_run',
      event: { workflow_run: { event: 'pull_request', head_repository: { full_name: head } } },
    });
    expect(deriveCacheKey('', run('mallory/app'))).toBe(deriveCacheKey('', forkPr));
    expect(deriveCacheKey('', run(BASE))).toBe(deriveCacheKey('', push));
  });
});

describe('explicit cache key', () => {
  it('is used as written for trusted runs', () => {
    expect(deriveCacheKey('main-branch', push)).toBe('main-branch');
    expect(deriveCacheKey('main-branch', samePr)).toBe('main-branch');
  });

  it('cannot be chosen by a fork to reach the base repository cache', () => {
    const forkKey = deriveCacheKey('main-branch', forkPr);
    expect(forkKey).not.toBe('main-branch');
    expect(forkKey).not.toBe(deriveCacheKey('', push));
    expect(forkKey).not.toBe(deriveCacheKey('main-branch', otherForkPr));
    expect(forkKey).toContain('main-branch');
  });
});
