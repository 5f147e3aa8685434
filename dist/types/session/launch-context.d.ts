/**
 * What every step of a launch shares: the engine, the settings, the session's identity, and the
 * session record, which a step updates (and the caller persists) before each side effect.
 */
import type { SessionConfig } from '../core/config.js';
import { type ResourceRole } from '../core/names.js';
import type { EnginePort, Logger } from '../ports.js';
import type { LaunchOptions, SessionState } from './types.js';
export declare class LaunchContext {
    readonly engine: EnginePort;
    readonly config: SessionConfig;
    readonly options: LaunchOptions;
    readonly stateDir: string;
    readonly createdAt: Date;
    readonly deadline: Date;
    private current;
    /** The cache volume this launch made for the slot it is taking: empty until its daemon runs. */
    madeVolume: string | undefined;
    constructor(engine: EnginePort, config: SessionConfig, options: LaunchOptions, stateDir: string, createdAt: Date, deadline: Date, identity: {
        readonly sessionId: string;
        readonly certDir: string;
    });
    get log(): Logger | undefined;
    get sessionId(): string;
    get certDir(): string;
    get state(): SessionState;
    /** Adds to the session record and hands it to the caller; call it before the side effect. */
    record(patch: Partial<SessionState>): Promise<void>;
    /** The labels of a resource this session creates. */
    labels(role: ResourceRole, extra?: Record<string, string>): Record<string, string>;
}
