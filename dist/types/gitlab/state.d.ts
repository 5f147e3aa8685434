import type { SessionState } from '../session/types.js';
export interface JobState {
    readonly version: 1;
    readonly jobId: string;
    readonly label: string;
    readonly networkName?: string;
    readonly jobContainer?: string;
    readonly serviceContainers: readonly string[];
    /** DinD sessions, keyed by service index. */
    readonly sessions: Readonly<Record<string, SessionState>>;
    /**
     * The build's result as the run stages saw it; cleanup commits the DinD cache only on
     * "succeeded" (unset: no build stage finished, e.g. a cancelled job).
     */
    readonly buildResult?: 'succeeded' | 'failed';
}
export declare function saveJobState(file: string, state: JobState): Promise<void>;
/** The saved state, or undefined when there is none (or it is unreadable). */
export declare function loadJobState(file: string): Promise<JobState | undefined>;
/**
 * Notes what a run stage says of the build: a user stage (build_script, step_*) that fails, is
 * interrupted or errs, or a stage GitLab runs only on failure, makes it failed for good; a user
 * stage that succeeds makes it succeeded unless it already failed. after_script does not count.
 */
export declare function noteBuildResult(file: string, stage: string, location: 'helper' | 'job', succeeded: boolean): Promise<void>;
export declare function removeJobState(file: string): Promise<void>;
