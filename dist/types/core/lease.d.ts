/** Cache volume policy, pure: which volumes to evict for a host-wide budget. */
export interface CacheVolumeUsage {
    readonly name: string;
    readonly size: number;
    /** Epoch milliseconds of the last session that used it. */
    readonly lastUsed: number;
    /** Mounted by a container right now (a live session holds its lease). */
    readonly leased: boolean;
}
/**
 * Least recently used unleased volumes to remove so that the total fits the budget. Leased volumes
 * are never chosen, even when the budget cannot be met without them.
 */
export declare function selectEvictions(volumes: readonly CacheVolumeUsage[], budget: number): string[];
