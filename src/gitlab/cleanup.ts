/**
 * The cleanup stage (and prepare's first step): removes everything of one job. DinD sessions get
 * the core's graceful teardown (their cache volume stays); then everything still carrying the
 * job's label goes, so pieces already gone or never recorded are fine. Never throws.
 */
import { describeError } from '../core/errors.js';
import { LABELS, OWNER } from '../core/names.js';
import type { EnginePort } from '../ports.js';
import type { Logger, SessionState, TeardownReport } from '../session/types.js';
import type { JobContext } from './job.js';
import { releaseSlot } from './builds-lease.js';
import { loadJobState, removeJobState } from './state.js';
import { labelOnlyState } from '../session/teardown.js';

export interface CleanupDependencies {
  readonly engine: EnginePort;
  readonly teardown: (state: SessionState) => Promise<TeardownReport>;
  readonly log: Logger;
  /** Grace for a DinD container found only by label (no recorded session to tear down). */
  readonly stopTimeoutSeconds: number;
}

export interface CleanupReport {
  readonly removed: string[];
  readonly kept: string[];
  readonly warnings: string[];
}

/**
 * Removes the job's resources. The cleanup stage also gives the builds directory slot back
 * (`endOfJob`); prepare's own calls keep it, since config already told the runner that directory.
 */
export async function cleanupJob(
  context: JobContext,
  deps: CleanupDependencies,
  endOfJob = false,
): Promise<CleanupReport> {
  const { engine, log } = deps;
  const report: CleanupReport = { removed: [], kept: [], warnings: [] };
  const step = async (what: string, action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      report.warnings.push(`${what}: ${describeError(error)}`);
      log.warn(`cleanup: ${what}: ${describeError(error)}`);
    }
  };

  const tearDown = async (session: SessionState, what: string) => {
    const result = await deps.teardown(session);
    report.removed.push(...result.removed);
    report.kept.push(...result.kept);
    report.warnings.push(...result.warnings.map((w) => `${what}: ${w}`));
  };

  const state = await loadJobState(context.stateFile);
  for (const [index, session] of Object.entries(state?.sessions ?? {})) {
    await step(`DinD session ${session.sessionId}`, () => tearDown(session, `DinD service ${index}`));
  }

  const mine = { [LABELS.owner]: OWNER, [LABELS.job]: context.label };
  await step('containers', async () => {
    const containers = await engine.listContainers(mine);
    // The job and service containers first, a daemon last: one found only by label (its session
    // was never recorded) gets the same teardown as a recorded one, by its session label.
    containers.sort(
      (a, b) => Number(a.labels[LABELS.role] === 'daemon') - Number(b.labels[LABELS.role] === 'daemon'),
    );
    for (const container of containers) {
      await step(`container ${container.name}`, async () => {
        const sessionId = container.labels[LABELS.session];
        if (container.labels[LABELS.role] === 'daemon' && sessionId) {
          const session = labelOnlyState(sessionId, { stopTimeoutSeconds: deps.stopTimeoutSeconds });
          return tearDown(session, `DinD session ${sessionId}`);
        }
        if (await engine.removeContainer(container.name)) report.removed.push(`container ${container.name}`);
      });
    }
  });
  await step('networks', async () => {
    for (const network of await engine.listNetworks(mine)) {
      await step(`network ${network.name}`, async () => {
        if (await engine.removeNetwork(network.name)) report.removed.push(`network ${network.name}`);
      });
    }
  });
  await step('volumes', async () => {
    for (const volume of await engine.listVolumes(mine)) {
      if (volume.labels[LABELS.role] === 'cache') continue;
      await step(`volume ${volume.name}`, async () => {
        if (await engine.removeVolume(volume.name)) report.removed.push(`volume ${volume.name}`);
      });
    }
  });
  if (endOfJob)
    await step('builds directory lease', () => releaseSlot(context.buildsLeaseDir, context.label));
  if (report.warnings.length === 0) await step('state file', () => removeJobState(context.stateFile));
  return report;
}
