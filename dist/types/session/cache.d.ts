import type { DaemonAddress, EnginePort, Logger, TlsClientFiles } from '../ports.js';
import type { Session } from './types.js';
/** A prune of a large build cache takes a while. */
export declare const PRUNE_TIMEOUT_MS = 120000;
/** Records that a session used the volume now (the host-wide budget evicts the oldest first). */
export declare function touchCacheVolume(stateDir: string, volume: string, now?: Date): Promise<void>;
export declare function cacheVolumeLastUsed(stateDir: string, volume: string): Promise<number | undefined>;
export declare function forgetCacheVolume(stateDir: string, volume: string): Promise<void>;
/**
 * Brings a job daemon's images and build cache under the budget: build cache first (down to the
 * budget, least recently used first inside BuildKit), then images, least recently used first, until
 * the rest fits. Returns bytes before and after.
 */
export declare function pruneDaemonCache(daemon: EnginePort, budget: number): Promise<{
    before: number;
    after: number;
}>;
/**
 * Bytes a running session's daemon holds (images, containers, volumes, build cache: what its cache
 * volume keeps), asked over its mutual TLS; undefined when it does not answer within timeoutMs.
 */
export declare function sessionDiskUsage(session: Session, timeoutMs: number): Promise<number | undefined>;
/** pruneDaemonCache for a daemon known by its address and the session's client certificates. */
export declare function pruneInnerDaemon(address: DaemonAddress, tls: TlsClientFiles, budget: number): Promise<{
    before: number;
    after: number;
}>;
export interface CacheVolumeReport {
    readonly name: string;
    readonly cacheKey: string | undefined;
    readonly slot: number | undefined;
    readonly size: number | undefined;
    readonly lastUsed: number | undefined;
    readonly leased: boolean;
}
/** All cache volumes on the engine, with size, last use and whether a live session holds them. */
export declare function listCacheVolumes(engine: EnginePort, stateDir: string, options: {
    measure: boolean;
}): Promise<CacheVolumeReport[]>;
/** Removes least recently used unleased cache volumes until the total fits the budget. */
export declare function enforceHostBudget(engine: EnginePort, stateDir: string, budget: number, log?: Logger): Promise<string[]>;
