/** The session API shared by the library, the CLI, the GitHub Action and the GitLab driver. */
import type { SessionConfig } from '../core/config.js';
import type { CacheMode, CacheScope } from '../core/generations.js';
import type { GenerationPlace } from './generations.js';
/** The triple the docker CLI, Compose, Buildx and Testcontainers read. */
export interface ClientEnv {
    readonly DOCKER_HOST: string;
    readonly DOCKER_TLS_VERIFY: '1';
    readonly DOCKER_CERT_PATH: string;
}
export type LaunchPhase = 'preflight' | 'reap' | 'certs' | 'network' | 'container' | 'ready';
import type { Logger } from '../core/logger.js';
export type { Logger };
/** Serializable record of what a launch created, saved before each side effect. */
export interface SessionState {
    readonly version: 1;
    readonly sessionId: string;
    readonly engineHost: string | undefined;
    readonly cache: boolean;
    readonly stopTimeoutSeconds: number;
    readonly cacheMaxSize: number | undefined;
    readonly cacheTotalMaxSize: number | undefined;
    /** When the session counts as an orphan (ISO time); a record past it is reaped. */
    readonly deadline?: string;
    /**
     * Per-session client certificate directory (removed at teardown). Known, and recorded, before
     * anything is written to it, so that a crash at any point leaves it findable.
     */
    readonly certDir?: string;
    readonly networkName?: string;
    /** Whether this session created networkName (false when it joined a caller's network). */
    readonly ownsNetwork?: boolean;
    readonly containerName?: string;
    readonly volumeName?: string;
    /** Set before the session's copy of its scope's generation is made: teardown commits or discards it. */
    readonly generation?: GenerationPlace;
}
export interface LaunchOptions {
    /** Recorded as a label; the face's job identity (GitHub run/job, GitLab job id). */
    readonly jobId?: string;
    /** Parent of the per-session client certificate directory (default: the OS temp directory). */
    readonly certParentDir?: string;
    /**
     * Join this existing network instead of creating one, with these aliases (the GitLab driver's
     * per-job network with alias "docker"). The server certificate covers the aliases.
     */
    readonly joinNetwork?: {
        readonly name: string;
        readonly aliases: readonly string[];
    };
    /**
     * The cache scope (default: write and read "default"). The faces derive it from what a job cannot
     * forge: the GitHub ref and default branch, GitLab's trusted ref.
     */
    readonly cacheScope?: CacheScope;
    /**
     * Where the client runs: "auto" detects a runner that itself runs in a container and attaches it
     * to the session network; "host" never attaches anything.
     */
    readonly clientPlacement?: 'auto' | 'host';
    readonly log?: Logger;
    /** Aborting cancels the launch and removes what it created. */
    readonly signal?: AbortSignal;
    /** Called with the state before each side effect, so a caller can persist it (crash safety). */
    readonly onState?: (state: SessionState) => void | Promise<void>;
    /** Called when a phase ends, with its duration. */
    readonly onPhase?: (phase: LaunchPhase, milliseconds: number) => void;
}
export interface Session {
    readonly id: string;
    readonly env: ClientEnv;
    readonly config: SessionConfig;
    readonly containerId: string;
    readonly containerName: string;
    readonly networkName: string;
    /** The cache volume (or, with caching off, the scratch volume removed at teardown). */
    readonly cacheVolume: string;
    /** Undefined in generations mode and with caching off. */
    readonly cacheSlot: number | undefined;
    /** The cache volume already held a daemon's data. */
    readonly cacheHit: boolean;
    /** generations: a clone committed only on success; slots: a volume reused as jobs leave it. */
    readonly cacheMode: CacheMode;
    /** Why the cache is in slots mode although a store is configured. */
    readonly cacheModeReason?: string;
    /** In generations mode: the scope whose latest generation the session started from. */
    readonly cacheFrom?: string;
    readonly certDir: string;
    readonly engineVersion: string;
    readonly innerEngineVersion: string;
    readonly timings: Readonly<Partial<Record<LaunchPhase, number>>>;
    readonly state: SessionState;
}
/** What teardown does with a generations session's copy: the faces decide by the job's result. */
export type CacheOutcome = 'commit' | 'discard';
export interface TeardownReport {
    readonly sessionId: string;
    /** Resources removed, as "container NAME", "network NAME", "volume NAME", "certs DIR". */
    readonly removed: readonly string[];
    /** Resources deliberately kept (the cache volume). */
    readonly kept: readonly string[];
    /** generations mode: "committed <generation scope>", or "discarded"; undefined otherwise. */
    readonly cache?: string;
    /** Problems met; teardown never throws. */
    readonly warnings: readonly string[];
    readonly milliseconds: number;
}
