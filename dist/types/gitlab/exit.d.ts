export interface FailureCodes {
    /** The user's job failed (its script, its image, its services settings). */
    readonly build: number;
    /** Infrastructure failed (engine, runtime, DinD not ready, driver settings): the runner retries prepare. */
    readonly system: number;
}
/**
 * Status used only when the driver is run without GitLab Runner's variables (by hand, in a
 * terminal): it is no GitLab code, so the runner would report it as an unknown exit code.
 */
export declare const OUTSIDE_RUNNER_FAILURE = 1;
/** The codes as the runner gave them in the environment. */
export declare function failureCodes(env: NodeJS.ProcessEnv): FailureCodes;
/** What went wrong, as the runner distinguishes it. */
export type Outcome = {
    readonly kind: 'success';
}
/** The user's script exited non-zero with this status. */
 | {
    readonly kind: 'script-failed';
    readonly exitCode: number;
}
/** The runner stopped the stage (job cancelled or timed out): its processes were stopped. */
 | {
    readonly kind: 'interrupted';
}
/** Anything thrown: its error kind decides. */
 | {
    readonly kind: 'error';
    readonly error: unknown;
};
/**
 * Exit status for an outcome: job and bad-input errors (the job's own settings) are build
 * failures; system errors and anything unexpected are system failures.
 */
export declare function exitCodeFor(outcome: Outcome, codes: FailureCodes): number;
/** Records a failed script's own status where the runner looks for it (when it asks). */
export declare function recordBuildExitCode(env: NodeJS.ProcessEnv, exitCode: number): Promise<void>;
