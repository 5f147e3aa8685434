export declare const PULL_POLICIES: readonly ["always", "if-not-present", "never"];
export type PullPolicy = (typeof PULL_POLICIES)[number];
export declare const PULL_POLICY_FORM: string;
/** A policy list as a job or an administrator wrote it: a string, a comma list or a JSON array. */
export declare function parsePullPolicies(value: unknown, what: string): PullPolicy[];
export interface RunnerPullPolicies {
    /** The runner's default when a job names none (the Docker executor's `pull_policy`). */
    readonly defaults: readonly PullPolicy[];
    /** What jobs may use; empty: the defaults (the Docker executor's `allowed_pull_policies`). */
    readonly allowed: readonly PullPolicy[];
}
/**
 * The policies to try, in order, for one image. Throws a build failure when the job's policies
 * are all outside the administrator's allowed list.
 */
export declare function effectivePullPolicies(image: string, requested: readonly PullPolicy[], runner: RunnerPullPolicies): PullPolicy[];
