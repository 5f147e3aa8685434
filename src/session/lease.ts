/**
 * The cache slot lease. A cache volume is mounted by at most one daemon at a time: the daemon
 * container is named after its slot, and the engine's unique container names make creating it an
 * atomic lock that outlives this process. A name conflict means another session holds the slot, so
 * the next slot is tried. Without caching there is nothing to share: the container and its scratch
 * volume are the session's own.
 */
import { NameConflict, SystemError } from '../core/errors.js';
import {
  LABELS,
  cacheVolumeLabels,
  cacheVolumeName,
  daemonContainerName,
  scratchVolumeName,
  uncachedContainerName,
} from '../core/names.js';
import type { ContainerCreateBody } from '../core/spec.js';
import type { LaunchContext } from './launch-context.js';

export interface SlotLease {
  readonly containerId: string;
  readonly containerName: string;
  readonly volumeName: string;
  readonly slot: number;
  /** The cache volume was there before this session (with caching off, always false). */
  readonly volumeExisted: boolean;
}

/**
 * Creates the daemon container on the first free slot; `specFor` gives its body, with the labels
 * of the slot and the slot's volume.
 */
export async function leaseSlot(
  context: LaunchContext,
  specFor: (slot: { volumeName: string; labels: Record<string, string> }) => ContainerCreateBody,
): Promise<SlotLease> {
  const { config, engine, sessionId } = context;
  const slots = config.cache ? config.cacheSlots : 1;
  for (let slot = 0; slot < slots; slot++) {
    const containerName = config.cache
      ? daemonContainerName(config.cacheKey, slot)
      : uncachedContainerName(sessionId);
    const volumeName = config.cache ? cacheVolumeName(config.cacheKey, slot) : scratchVolumeName(sessionId);
    const existing = await engine.inspectVolume(volumeName);
    await context.record({ volumeName });
    context.madeVolume = existing ? undefined : volumeName;
    if (!existing) {
      await engine.createVolume(
        volumeName,
        config.cache
          ? cacheVolumeLabels(config.cacheKey, slot, context.createdAt)
          : context.labels('scratch'),
      );
    }
    const labels = context.labels('daemon', {
      [LABELS.cacheKey]: config.cacheKey,
      [LABELS.cacheSlot]: String(slot),
      [LABELS.certDir]: context.certDir,
    });
    try {
      const containerId = await engine.createContainer(containerName, specFor({ volumeName, labels }));
      await context.record({ containerName });
      return {
        containerId,
        containerName,
        volumeName,
        slot,
        volumeExisted: Boolean(existing) && config.cache,
      };
    } catch (error) {
      if (!(error instanceof NameConflict)) throw error;
      // The session that holds this slot runs on the volume now.
      context.madeVolume = undefined;
      context.log?.info(`cache slot ${slot} of this cache key is in use by another session; trying the next`);
    }
  }
  throw new SystemError(`all ${slots} cache slots of cache key "${config.cacheKey}" are in use`, {
    hint: 'Wait for a running session to end, raise cache-slots, or use another cache-key.',
  });
}
