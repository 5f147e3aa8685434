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
}
export declare function saveJobState(file: string, state: JobState): Promise<void>;
/** The saved state, or undefined when there is none (or it is unreadable). */
export declare function loadJobState(file: string): Promise<JobState | undefined>;
export declare function removeJobState(file: string): Promise<void>;
