/**
 * Cache volumes: last-use records, the per-volume budget (pruned inside the daemon before it
 * stops) and the host-wide budget (least recently used unleased volumes removed).
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { join } from 'node:path';
import { freedBytes, freesExactly, selectImageEvictions } from '../core/image-trim.js';
import { selectEvictions } from '../core/lease.js';
import { LABELS, OWNER } from '../core/names.js';
import type { DaemonAddress, EnginePort, Logger, TlsClientFiles } from '../ports.js';
import { readClientCerts } from '../tls/cert-dir.js';
import { connectJobDaemon } from './engine.js';
import type { Session } from './types.js';

/** A prune of a large build cache takes a while. */
export const PRUNE_TIMEOUT_MS = 120_000;

/** Records that a session used the volume now (the host-wide budget evicts the oldest first). */
export async function touchCacheVolume(stateDir: string, volume: string, now = new Date()): Promise<void> {
  const dir = join(stateDir, 'cache');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dir, volume), now.toISOString());
}

export async function cacheVolumeLastUsed(stateDir: string, volume: string): Promise<number | undefined> {
  try {
    const time = Date.parse((await readFile(join(stateDir, 'cache', volume), 'utf8')).trim());
    return Number.isFinite(time) ? time : undefined;
  } catch {
    return undefined;
  }
}

export async function forgetCacheVolume(stateDir: string, volume: string): Promise<void> {
  await rm(join(stateDir, 'cache', volume), { force: true });
}

/** What the budget counts of a daemon's disk usage: its image layers and its build cache. */
async function cacheBytes(daemon: EnginePort): Promise<number> {
  const usage = await daemon.diskUsage();
  return usage.layersBytes + usage.buildCacheBytes;
}

/**
 * Brings a job daemon's images and build cache under the budget: build cache first (down to the
 * budget, least recently used first inside BuildKit), then images, least recently used first, until
 * the rest fits. Returns bytes before and after.
 */
export async function pruneDaemonCache(
  daemon: EnginePort,
  budget: number,
): Promise<{ before: number; after: number }> {
  const before = await cacheBytes(daemon);
  if (before <= budget) return { before, after: before };
  await daemon.pruneBuildCache(budget);
  let after = await cacheBytes(daemon);
  if (after > budget) {
    await removeLeastRecentlyUsedImages(daemon, after, budget);
    after = await cacheBytes(daemon);
  }
  return { before, after };
}

/** Removes images one at a time, in the order selectImageEvictions gives, until heldBytes fits. */
async function removeLeastRecentlyUsedImages(
  daemon: EnginePort,
  heldBytes: number,
  budget: number,
): Promise<void> {
  const untried = await daemon.listImages();
  let held = heldBytes;
  for (;;) {
    const [next] = selectImageEvictions(untried, held, budget);
    if (!next) return;
    untried.splice(untried.indexOf(next), 1);
    // A container made from it since the listing, or an image built on it, keeps it: the next one
    // goes instead. Already gone counts as removed.
    const removed = await daemon.removeImage(next.id).then(
      () => true,
      () => false,
    );
    // Layers it shared may have gone with it (it was their last image): only a measurement tells.
    if (removed) held = freesExactly(next) ? held - freedBytes(next) : await cacheBytes(daemon);
  }
}

/**
 * Bytes a running session's daemon holds (images, containers, volumes, build cache: what its cache
 * volume keeps), asked over its mutual TLS; undefined when it does not answer within timeoutMs.
 */
export async function sessionDiskUsage(session: Session, timeoutMs: number): Promise<number | undefined> {
  const url = new URL(session.env.DOCKER_HOST.replace(/^tcp:/, 'https:'));
  // Every session certificate names the daemon "docker", whatever the address it is reached at.
  const address = { host: url.hostname, port: Number(url.port), servername: 'docker' };
  const tls = await readClientCerts(session.certDir).catch(() => undefined);
  if (!tls) return undefined;
  const daemon = connectJobDaemon(address, tls, { timeoutMs });
  try {
    const usage = await daemon.diskUsage();
    return usage.layersBytes + usage.buildCacheBytes + usage.containersBytes + usage.volumesBytes;
  } catch {
    return undefined;
  } finally {
    daemon.close();
  }
}

/** pruneDaemonCache for a daemon known by its address and the session's client certificates. */
export async function pruneInnerDaemon(
  address: DaemonAddress,
  tls: TlsClientFiles,
  budget: number,
): Promise<{ before: number; after: number }> {
  const daemon = connectJobDaemon(address, tls, { timeoutMs: PRUNE_TIMEOUT_MS });
  try {
    return await pruneDaemonCache(daemon, budget);
  } finally {
    daemon.close();
  }
}

export interface CacheVolumeReport {
  readonly name: string;
  readonly cacheKey: string | undefined;
  readonly slot: number | undefined;
  readonly size: number | undefined;
  readonly lastUsed: number | undefined;
  readonly leased: boolean;
}

/** All cache volumes on the engine, with size, last use and whether a live session holds them. */
export async function listCacheVolumes(
  engine: EnginePort,
  stateDir: string,
  options: { measure: boolean },
): Promise<CacheVolumeReport[]> {
  const volumes = await engine.listVolumes({ [LABELS.owner]: OWNER, [LABELS.role]: 'cache' });
  const usage = options.measure ? await engine.volumeUsage() : undefined;
  const daemons = await engine.listContainers({ [LABELS.owner]: OWNER, [LABELS.role]: 'daemon' });
  const leasedSlots = new Set(
    daemons.map((c) => `${c.labels[LABELS.cacheKey] ?? ''}\u0000${c.labels[LABELS.cacheSlot] ?? ''}`),
  );
  return Promise.all(
    volumes.map(async (volume) => {
      const slotText = volume.labels[LABELS.cacheSlot];
      const cacheKey = volume.labels[LABELS.cacheKey];
      const lastUsed =
        (await cacheVolumeLastUsed(stateDir, volume.name)) ?? Date.parse(volume.createdAt ?? '');
      const use = usage?.get(volume.name);
      return {
        name: volume.name,
        cacheKey,
        slot: slotText === undefined ? undefined : Number(slotText),
        size: use?.size,
        lastUsed: Number.isFinite(lastUsed) ? lastUsed : undefined,
        leased: (use?.refCount ?? 0) > 0 || leasedSlots.has(`${cacheKey ?? ''}\u0000${slotText ?? ''}`),
      };
    }),
  );
}

/** Removes least recently used unleased cache volumes until the total fits the budget. */
export async function enforceHostBudget(
  engine: EnginePort,
  stateDir: string,
  budget: number,
  log?: Logger,
): Promise<string[]> {
  const volumes = await listCacheVolumes(engine, stateDir, { measure: true });
  const evictions = selectEvictions(
    volumes.map((v) => ({ name: v.name, size: v.size ?? 0, lastUsed: v.lastUsed ?? 0, leased: v.leased })),
    budget,
  );
  const removed: string[] = [];
  for (const name of evictions) {
    // A session may have leased it since we looked: the engine refuses to remove a volume in use.
    try {
      if (await engine.removeVolume(name)) removed.push(name);
      await forgetCacheVolume(stateDir, name);
      log?.info(`cache budget: removed least recently used volume ${name}`);
    } catch (error) {
      log?.debug(`cache budget: kept ${name}: ${String(error)}`);
    }
  }
  return removed;
}
