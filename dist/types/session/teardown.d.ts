import { type EnginePort } from '../ports.js';
import { type ConnectDaemon } from './engine.js';
import type { CacheOutcome, Logger, Session, SessionState, TeardownReport } from './types.js';
export interface TeardownOptions {
    readonly log?: Logger;
    readonly engine?: EnginePort;
    readonly stateDir?: string;
    /** Overrides the session's grace period (e.g. 0 after a failed launch whose daemon never ran). */
    readonly graceSeconds?: number;
    /**
     * Talk to the daemon before stopping it (default true): prune its cache to the per-volume
     * budget, stop its containers. False after a failed launch: that daemon never answered.
     */
    readonly reachDaemon?: boolean;
    /** How to reach the session's daemon (default: over its mutual TLS). */
    readonly connectDaemon?: ConnectDaemon;
    /**
     * Generations mode: whether the session's clone becomes its scope's latest generation (the job
     * succeeded) or is discarded (default: commit). A daemon that did not stop cleanly is discarded.
     */
    readonly cacheOutcome?: CacheOutcome;
}
/**
 * The state of a session known only by its id (no record: another process, a lost state dir).
 * Enough for teardown, which finds the session's resources by label; the cache is always kept.
 */
export declare function labelOnlyState(sessionId: string, options: {
    readonly engineHost?: string | undefined;
    readonly stopTimeoutSeconds: number;
}): SessionState;
export declare function teardown(target: Session | SessionState, options?: TeardownOptions): Promise<TeardownReport>;
