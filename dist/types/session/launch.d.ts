import type { SessionConfig } from '../core/config.js';
import { type Clock, type EnginePort } from '../ports.js';
import { type ConnectDaemon } from './engine.js';
import type { LaunchOptions, Session } from './types.js';
export interface LaunchDependencies {
    readonly engine?: EnginePort;
    readonly stateDir?: string;
    /** The time the session's labels and deadline start from. */
    readonly now?: () => Date;
    /** Time for the waits (readiness). */
    readonly clock?: Clock;
    /** How to reach the job's daemon (default: over its mutual TLS). */
    readonly connectDaemon?: ConnectDaemon;
}
export declare function launch(config: SessionConfig, options?: LaunchOptions, dependencies?: LaunchDependencies): Promise<Session>;
