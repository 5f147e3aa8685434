/**
 * Cache scoping for GitHub workflows. Pure: takes the run's context (repository, event name, event
 * payload) and returns the cache key.
 *
 * A cache volume holds a Docker daemon's images and build cache; whoever writes to it can poison what
 * the next job pulls or builds. Code from a pull request opened from a fork is untrusted, so it never
 * shares a cache with the base repository's own branches, nor with another fork.
 */

import { type CacheScope, DEFAULT_SCOPE, cacheScope, isScopeName } from '../core/generations.js';

/** What the key derivation needs to know about the run. */
export interface GitHubRunContext {
  /** GITHUB_REPOSITORY: owner/name of the repository the workflow runs in. */
  readonly repository: string | undefined;
  /** GITHUB_EVENT_NAME. */
  readonly eventName: string | undefined;
  /** The parsed GITHUB_EVENT_PATH payload, or undefined when there is none. */
  readonly event: unknown;
  /** GITHUB_REF, set by the runner (a workflow's `env:` cannot override GITHUB_* variables). */
  readonly ref?: string | undefined;
}

/** Events whose payload carries the pull request whose code the job may run. */
const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

/**
 * The repository the job's code comes from when it is not the base repository: the head repository
 * of a pull request from a fork (or of the run that triggered a workflow_run), else undefined.
 *
 * Repository names are compared, not the payload's `fork` flag alone: a branch pull request inside a
 * repository that is itself a fork has `head.repo.fork: true` although nothing comes from outside.
 * A head repository that was deleted (null) counts as a fork.
 */
export function untrustedHeadRepository(context: GitHubRunContext): string | undefined {
  const base = context.repository ?? '';
  const event = asRecord(context.event);
  let head: Record<string, unknown> | undefined;
  let baseFromPayload: string | undefined;
  if (context.eventName && PULL_REQUEST_EVENTS.has(context.eventName)) {
    const pr = asRecord(event?.pull_request);
    if (!pr) return undefined;
    const headRef = asRecord(pr.head);
    if (!headRef) return 'unknown';
    head = asRecord(headRef.repo);
    baseFromPayload = asString(asRecord(asRecord(pr.base)?.repo)?.full_name);
    if (!head) return 'unknown';
  } else if (context.eventName === 'workflow_run') {
    // A workflow_run started by a fork's pull_request run may check out that fork's code.
    const run = asRecord(event?.workflow_run);
    if (!run) return undefined;
    head = asRecord(run.head_repository);
    if (!head) return asString(run.event)?.startsWith('pull_request') ? 'unknown' : undefined;
  } else {
    return undefined;
  }
  const headName = asString(head.full_name);
  const baseName = baseFromPayload ?? base;
  if (headName === undefined) return head.fork === false ? undefined : 'unknown';
  return sameRepository(headName, baseName) ? undefined : headName;
}

/**
 * The cache key for a run. With no explicit key: `gh:<repository>`, or for untrusted code
 * `gh-fork:<head repository>:<repository>`. An explicit key is used as written, except that untrusted
 * code gets it under its own `gh-fork:<head repository>:` prefix, so a fork cannot pick the base
 * repository's key by editing the workflow's inputs.
 */
export function deriveCacheKey(explicitKey: string | undefined, context: GitHubRunContext): string {
  const key = explicitKey?.trim() ?? '';
  const fork = untrustedHeadRepository(context);
  const repository = context.repository?.trim() || 'unknown-repository';
  if (key === '') return fork === undefined ? `gh:${repository}` : `gh-fork:${fork}:${repository}`;
  return fork === undefined ? key : `gh-fork:${fork}:${key}`;
}

/**
 * The run's cache scope, as actions/cache scopes its caches: it commits only to its own ref and
 * starts from that ref's latest generation, else its pull request's base branch's, else the default
 * branch's (the branches named by the event payload). The scopes live under the run's cache key, so
 * a fork's run reads and writes only its own.
 */
export function deriveCacheScope(context: GitHubRunContext): CacheScope {
  const event = asRecord(context.event);
  const branch = (name: string | undefined) => (name === undefined ? undefined : `refs/heads/${name}`);
  const base = branch(asString(asRecord(asRecord(event?.pull_request)?.base)?.ref));
  const defaultBranch = branch(asString(asRecord(event?.repository)?.default_branch));
  const own = context.ref && isScopeName(context.ref) ? context.ref : (defaultBranch ?? DEFAULT_SCOPE);
  const fallbacks = [base, defaultBranch].filter(
    (scope): scope is string => scope !== undefined && isScopeName(scope),
  );
  return cacheScope(own, fallbacks);
}

function sameRepository(a: string, b: string): boolean {
  // GitHub owner and repository names are case-insensitive.
  return a.toLowerCase() === b.toLowerCase();
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
