/**
 * Cache scoping for GitHub workflows. Pure: takes the run's context (repository, event name, event
 * payload) and returns the cache key.
 *
 * A cache volume holds a Docker daemon's images and build cache; whoever writes to it can poison what
 * the next job pulls or builds. Code from a pull request opened from a fork is untrusted, so it never
 * shares a cache with the base repository's own branches, nor with another fork.
 */
import { type CacheScope } from '../core/generations.js';
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
/**
 * The repository the job's code comes from when it is not the base repository: the head repository
 * of a pull request from a fork (or of the run that triggered a workflow_run), else undefined.
 *
 * Repository names are compared, not the payload's `fork` flag alone: a branch pull request inside a
 * repository that is itself a fork has `head.repo.fork: true` although nothing comes from outside.
 * A head repository that was deleted (null) counts as a fork.
 */
export declare function untrustedHeadRepository(context: GitHubRunContext): string | undefined;
/**
 * The cache key for a run. With no explicit key: `gh:<repository>`, or for untrusted code
 * `gh-fork:<head repository>:<repository>`. An explicit key is used as written, except that untrusted
 * code gets it under its own `gh-fork:<head repository>:` prefix, so a fork cannot pick the base
 * repository's key by editing the workflow's inputs.
 */
export declare function deriveCacheKey(explicitKey: string | undefined, context: GitHubRunContext): string;
/**
 * The run's cache scope, as actions/cache scopes its caches: it commits only to its own ref and
 * starts from that ref's latest generation, else its pull request's base branch's, else the default
 * branch's (the branches named by the event payload). The scopes live under the run's cache key, so
 * a fork's run reads and writes only its own.
 */
export declare function deriveCacheScope(context: GitHubRunContext): CacheScope;
