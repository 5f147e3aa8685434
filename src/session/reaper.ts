/**
 * Orphans: sessions whose deadline has passed (a crashed runner, a killed process). Found by label,
 * so this works without any record of them, and ended by the same teardown as a live session. A
 * live session (deadline in the future) is never touched; cache volumes are never orphans (the
 * budgets govern them).
 */
import { LABELS, OWNER, isPastDeadline } from '../core/names.js';
import type { DockerEngine } from '../engine/docker.js';
import { labelOnlyState, teardown } from './teardown.js';
import type { Logger } from './types.js';

/** An orphan's daemon gets a short grace: SIGTERM first, so its cache volume stays consistent. */
const ORPHAN_GRACE_SECONDS = 10;

export interface ReapReport {
  readonly removed: string[];
  readonly warnings: string[];
}

export async function reapOrphans(engine: DockerEngine, now: Date, log?: Logger): Promise<ReapReport> {
  const owned = { [LABELS.owner]: OWNER };
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers(owned),
    engine.listNetworks(owned),
    engine.listVolumes({ ...owned, [LABELS.role]: 'scratch' }),
  ]);
  // A session may have left any of these alone (a launch that crashed before its container).
  const orphans = new Set(
    [...containers, ...networks, ...volumes]
      .filter((resource) => isPastDeadline(resource.labels, now))
      .map((resource) => resource.labels[LABELS.session])
      .filter((sessionId): sessionId is string => Boolean(sessionId)),
  );
  const removed: string[] = [];
  const warnings: string[] = [];
  for (const sessionId of orphans) {
    log?.info(`reaping orphaned session ${sessionId} (its deadline has passed)`);
    const report = await teardown(
      labelOnlyState(sessionId, { engineHost: engine.host, stopTimeoutSeconds: ORPHAN_GRACE_SECONDS }),
      { engine, log },
    );
    removed.push(...report.removed);
    warnings.push(...report.warnings);
  }
  return { removed, warnings };
}
