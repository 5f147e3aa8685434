/**
 * Orphans: resources of sessions whose deadline has passed (a crashed runner, a killed process).
 * Found by label, so this works without any record of the session. A live session (deadline in
 * the future) is never touched; cache volumes are never orphans (the budgets govern them).
 */
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeError } from '../core/errors.js';
import { LABELS, OWNER, isPastDeadline } from '../core/names.js';
import type { DockerEngine } from '../engine/docker.js';
import type { Logger } from './types.js';

export const CERT_DIR_LABEL = `${LABELS.session}.cert-dir`;

export interface ReapReport {
  readonly removed: string[];
  readonly warnings: string[];
}

export async function reapOrphans(engine: DockerEngine, now: Date, log?: Logger): Promise<ReapReport> {
  const removed: string[] = [];
  const warnings: string[] = [];
  const attempt = async (what: string, action: () => Promise<boolean | void>) => {
    try {
      if ((await action()) !== false) removed.push(what);
    } catch (error) {
      warnings.push(`${what}: ${describeError(error)}`);
    }
  };
  const owned = { [LABELS.owner]: OWNER };

  for (const container of await engine.listContainers(owned)) {
    if (!isPastDeadline(container.labels, now)) continue;
    log?.info(`reaping orphaned container ${container.name} (deadline ${container.labels[LABELS.deadline]})`);
    // A short grace: the daemon still gets SIGTERM first, so its cache volume stays consistent.
    await attempt(`container ${container.name}`, async () => {
      await engine.stopContainer(container.id, 10);
      return engine.removeContainer(container.id);
    });
    const certDir = container.labels[CERT_DIR_LABEL];
    if (certDir && basename(certDir).startsWith('secure-dind-')) {
      await attempt(`certs ${certDir}`, () => rm(certDir, { recursive: true, force: true }));
    }
  }
  for (const network of await engine.listNetworks(owned)) {
    if (!isPastDeadline(network.labels, now)) continue;
    await attempt(`network ${network.name}`, async () => {
      for (const container of network.containers) await engine.disconnectNetwork(network.name, container);
      return engine.removeNetwork(network.name);
    });
  }
  for (const volume of await engine.listVolumes({ ...owned, [LABELS.role]: 'scratch' })) {
    if (!isPastDeadline(volume.labels, now)) continue;
    await attempt(`volume ${volume.name}`, () => engine.removeVolume(volume.name));
  }
  return { removed, warnings };
}
