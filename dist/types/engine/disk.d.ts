/** Disk usage and pruning: what the cache budgets measure and trim. */
import type Docker from 'dockerode';
import type { DiskUsage } from '../ports.js';
import { type RawImageUsage } from './raw.js';
interface RawDiskUsage {
    LayersSize?: number;
    Images?: RawImageUsage[] | null;
    Containers?: {
        SizeRw?: number;
    }[] | null;
    Volumes?: {
        Name: string;
        UsageData?: {
            Size?: number;
            RefCount?: number;
        } | null;
    }[] | null;
    BuildCache?: {
        Size?: number;
    }[] | null;
}
/**
 * GET /system/df. The engine runs one disk usage computation at a time and refuses a second one
 * ("a disk usage operation is already running"): concurrent teardowns wait their turn.
 */
export declare function measureDiskUsage(docker: Docker): Promise<RawDiskUsage>;
export declare function toDiskUsage(df: RawDiskUsage): DiskUsage;
export declare function toVolumeUsage(df: RawDiskUsage): Map<string, {
    size: number;
    refCount: number;
}>;
/**
 * POST /build/prune?keep-storage=N. dockerode's pruneBuilder drops its options; docker-modem takes
 * the query from _query (and, for a POST, the body from _body: none here).
 */
export declare function pruneBuildCacheTo(docker: Docker, keepBytes: number): Promise<unknown>;
export {};
