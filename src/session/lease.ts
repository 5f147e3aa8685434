/**
 * The cache slot lease. A cache volume is mounted by at most one daemon at a time: the daemon
 * container is named after its slot, and the engine's unique container names make creating it an
 * atomic lock that outlives this process. A name conflict means another session holds the slot, so
 * the next slot is tried. Without caching there is nothing to share: the container and its scratch
 * volume are the session's own; in generations mode neither: the session runs on its own clone.
 */
import { NameConflict, SystemError } from '../core/errors.js';
import {
  LABELS,
  cacheVolumeLabels,
  cacheVolumeName,
  daemonContainerName,
  generationContainerName,
  scratchVolumeName,
  uncachedContainerName,
  workVolumeName,
} from '../core/names.js';
import type { ContainerCreateBody } from '../core/spec.js';
import type { LaunchContext } from './launch-context.js';

type SpecFor = (slot: { volumeName: string; labels: Record<string, string> }) => ContainerCreateBody;

export interface SlotLease {
  readonly containerId: string;
  readonly containerName: string;
  readonly volumeName: string;
  /** Undefined in generations mode (no slot: the session's own clone). */
  readonly slot: number | undefined;
  /** The cache volume was there before this session (with caching off, always false). */
  readonly volumeExisted: boolean;
}

/**
 * Creates the daemon container on the first free slot; `specFor` gives its body, with the labels
 * of the slot and the slot's volume.
 */
export async function leaseSlot(context: LaunchContext, specFor: SpecFor): Promise<SlotLease> {
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

/**
 * Generations mode: the daemon container, named after the session, on a volume over the session's
 * clone in the store. Nothing is shared, so nothing is leased.
 */
export async function useClone(
  context: LaunchContext,
  workDir: string,
  specFor: SpecFor,
): Promise<SlotLease> {
  const { config, engine, sessionId } = context;
  const volumeName = workVolumeName(sessionId);
  const containerName = generationContainerName(sessionId);
  await context.record({ volumeName });
  // Teardown by label alone (no record) finds where to commit or discard the clone here.
  const generation = {
    [LABELS.cacheKey]: config.cacheKey,
    [LABELS.generation]: JSON.stringify(context.state.generation),
  };
  await engine.createVolume(volumeName, context.labels('work', generation), workDir);
  const labels = context.labels('daemon', { ...generation, [LABELS.certDir]: context.certDir });
  const containerId = await engine.createContainer(containerName, specFor({ volumeName, labels }));
  await context.record({ containerName });
  return { containerId, containerName, volumeName, slot: undefined, volumeExisted: false };
}
