import type { DockerEngine } from '../engine/docker.js';
import { type TlsClientFiles } from '../engine/http.js';
import type { Logger } from './types.js';
/** Records that a session used the volume now (the host-wide budget evicts the oldest first). */
export declare function touchCacheVolume(stateDir: string, volume: string, now?: Date): Promise<void>;
export declare function cacheVolumeLastUsed(stateDir: string, volume: string): Promise<number | undefined>;
export declare function forgetCacheVolume(stateDir: string, volume: string): Promise<void>;
/**
 * Brings the inner daemon's images and build cache under the budget: build cache first (down to
 * the budget), then unused images. Returns bytes before and after.
 */
export declare function pruneInnerDaemon(address: {
    host: string;
    port: number;
}, tls: TlsClientFiles, budget: number): Promise<{
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
export declare function listCacheVolumes(engine: DockerEngine, stateDir: string, options: {
    measure: boolean;
}): Promise<CacheVolumeReport[]>;
/** Removes least recently used unleased cache volumes until the total fits the budget. */
export declare function enforceHostBudget(engine: DockerEngine, stateDir: string, budget: number, log?: Logger): Promise<string[]>;
