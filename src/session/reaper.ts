/**
 * Orphans: sessions whose deadline has passed (a crashed runner, a killed process). Found by label,
 * so this works without any record of them, and by their records on this host, which a launch
 * writes before anything else (a launch killed before it created anything labelled still has its
 * record, with its certificate directory). Ended by the same teardown as a live session, which
 * also removes the record. A live session (deadline in the future) is never touched; cache volumes
 * are never orphans (the budgets govern them).
 */
import { LABELS, OWNER, isPastDeadline } from '../core/names.js';
import type { EnginePort } from '../ports.js';
import { expiredLeaseHolders } from './networks.js';
import { listSessionRecords } from './records.js';
import { sweptVolumes } from './sweep.js';
import { labelOnlyState, teardown } from './teardown.js';
import type { Logger, SessionState } from './types.js';

/** An orphan's daemon gets a short grace: SIGTERM first, so its cache volume stays consistent. */
const ORPHAN_GRACE_SECONDS = 10;

export interface ReapReport {
  readonly removed: string[];
  readonly warnings: string[];
}

export async function reapOrphans(
  engine: EnginePort,
  now: Date,
  stateDir: string,
  log?: Logger,
): Promise<ReapReport> {
  const owned = { [LABELS.owner]: OWNER };
  const [containers, networks, volumes, records, leaseHolders] = await Promise.all([
    engine.listContainers(owned),
    engine.listNetworks(owned),
    sweptVolumes(engine, owned),
    listSessionRecords(stateDir),
    expiredLeaseHolders(stateDir, now),
  ]);
  const orphans = new Map<string, SessionState>();
  const expired = [
    // A session may have left any of these alone (a launch that crashed before its container).
    ...[...containers, ...networks, ...volumes]
      .filter((resource) => isPastDeadline(resource.labels, now))
      .map((resource) => resource.labels[LABELS.session]),
    // A spare network leased by a launch that died before anything of it carried a label.
    ...leaseHolders,
  ];
  for (const sessionId of new Set(expired)) {
    if (!sessionId) continue;
    orphans.set(
      sessionId,
      labelOnlyState(sessionId, { engineHost: engine.host, stopTimeoutSeconds: ORPHAN_GRACE_SECONDS }),
    );
  }
  for (const record of records) {
    if (record.engineHost !== undefined && record.engineHost !== engine.host) continue;
    if (isPastDeadline({ [LABELS.deadline]: record.deadline ?? '' }, now)) {
      // The record knows more than labels (its cert dir, cache volume); teardown still searches by label.
      orphans.set(record.sessionId, { ...record, stopTimeoutSeconds: ORPHAN_GRACE_SECONDS });
    }
  }
  const removed: string[] = [];
  const warnings: string[] = [];
  for (const [sessionId, state] of orphans) {
    log?.info(`reaping orphaned session ${sessionId} (its deadline has passed)`);
    // A killed job's clone never becomes a generation.
    const report = await teardown(state, { engine, log, stateDir, cacheOutcome: 'discard' });
    removed.push(...report.removed);
    warnings.push(...report.warnings);
  }
  return { removed, warnings };
}
