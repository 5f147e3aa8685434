/** Disk usage and pruning: what the cache budgets measure and trim. */
import type Docker from 'dockerode';
import { RetryTimeout, retry } from '../core/retry.js';
import type { DiskUsage } from '../ports.js';
import { type RawImageUsage, engineMessage } from './raw.js';

/** How long a disk usage measurement waits for another one to finish. */
const DISK_USAGE_RETRY_MS = 250;
const DISK_USAGE_WAIT_MS = 60_000;

interface RawDiskUsage {
  LayersSize?: number;
  Images?: RawImageUsage[] | null;
  Containers?: { SizeRw?: number }[] | null;
  Volumes?: { Name: string; UsageData?: { Size?: number; RefCount?: number } | null }[] | null;
  BuildCache?: { Size?: number }[] | null;
}

/**
 * GET /system/df. The engine runs one disk usage computation at a time and refuses a second one
 * ("a disk usage operation is already running"): concurrent teardowns wait their turn.
 */
export async function measureDiskUsage(docker: Docker): Promise<RawDiskUsage> {
  const { value } = await retry(async () => (await docker.df()) as RawDiskUsage, {
    timeoutMs: DISK_USAGE_WAIT_MS,
    initialDelayMs: DISK_USAGE_RETRY_MS,
    factor: 1,
    shouldRetry: (error) => /disk usage operation is already running/i.test(engineMessage(error)),
  }).catch((error: unknown) => {
    throw error instanceof RetryTimeout ? error.lastError : error;
  });
  return value;
}

const nonNegative = (bytes: number | undefined) => Math.max(0, bytes ?? 0);

function total<T>(items: T[] | null | undefined, size: (item: T) => number | undefined): number {
  return (items ?? []).reduce((sum, item) => sum + nonNegative(size(item)), 0);
}

export function toDiskUsage(df: RawDiskUsage): DiskUsage {
  return {
    images: (df.Images ?? []).length,
    layersBytes: df.LayersSize ?? 0,
    buildCacheBytes: total(df.BuildCache, (entry) => entry.Size),
    containersBytes: total(df.Containers, (container) => container.SizeRw),
    volumesBytes: total(df.Volumes, (volume) => volume.UsageData?.Size),
  };
}

export function toVolumeUsage(df: RawDiskUsage): Map<string, { size: number; refCount: number }> {
  return new Map(
    (df.Volumes ?? []).map((v) => [
      v.Name,
      { size: nonNegative(v.UsageData?.Size), refCount: v.UsageData?.RefCount ?? 0 },
    ]),
  );
}

/**
 * POST /build/prune?keep-storage=N. dockerode's pruneBuilder drops its options; docker-modem takes
 * the query from _query (and, for a POST, the body from _body: none here).
 */
export function pruneBuildCacheTo(docker: Docker, keepBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) =>
    docker.modem.dial(
      {
        path: '/build/prune?',
        method: 'POST',
        options: { _query: { 'keep-storage': String(Math.max(0, Math.floor(keepBytes))) }, _body: {} },
        statusCodes: { 200: true, 500: 'server error' },
      },
      (error: unknown, data: unknown) => (error ? reject(error) : resolve(data)),
    ),
  );
}
