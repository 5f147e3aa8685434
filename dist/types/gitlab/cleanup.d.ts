import type { EnginePort } from '../ports.js';
import type { CacheOutcome, Logger, SessionState, TeardownReport } from '../session/types.js';
import type { JobContext } from './job.js';
export interface CleanupDependencies {
    readonly engine: EnginePort;
    readonly teardown: (state: SessionState, cacheOutcome: CacheOutcome) => Promise<TeardownReport>;
    readonly log: Logger;
    /** Grace for a DinD container found only by label (no recorded session to tear down). */
    readonly stopTimeoutSeconds: number;
}
export interface CleanupReport {
    readonly removed: string[];
    readonly kept: string[];
    readonly warnings: string[];
}
/**
 * Removes the job's resources. The cleanup stage also gives the builds directory slot back
 * (`endOfJob`); prepare's own calls keep it, since config already told the runner that directory.
 */
export declare function cleanupJob(context: JobContext, deps: CleanupDependencies, endOfJob?: boolean): Promise<CleanupReport>;
