/**
 * The cleanup stage (and prepare's first step): removes everything of one job. DinD sessions get
 * the core's graceful teardown (their cache volume stays); then everything still carrying the
 * job's label goes, so pieces already gone or never recorded are fine. Never throws.
 */
import { LABELS, OWNER } from '../core/names.js';
import type { EnginePort } from '../ports.js';
import type { CacheOutcome, Logger, SessionState, TeardownReport } from '../session/types.js';
import type { JobContext } from './job.js';
import { releaseSlot } from './builds-lease.js';
import { loadJobState, removeJobState } from './state.js';
import { labelOnlyState } from '../session/teardown.js';
import { SweepReport, sweepByLabel } from '../session/sweep.js';

export interface CleanupDependencies {
  readonly engine: EnginePort;
  readonly teardown: (state: SessionState, cacheOutcome: CacheOutcome) => Promise<TeardownReport>;
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
  const report = new SweepReport(log, 'cleanup');
  const kept: string[] = [];

  const state = await loadJobState(context.stateFile);
  // The DinD cache becomes its ref's latest generation only when the build succeeded.
  const cacheOutcome: CacheOutcome = state?.buildResult === 'succeeded' ? 'commit' : 'discard';
  const tearDown = async (session: SessionState, what: string) => {
    const result = await deps.teardown(session, cacheOutcome);
    report.removed.push(...result.removed);
    kept.push(...result.kept);
    report.warnings.push(...result.warnings.map((w) => `${what}: ${w}`));
  };

  for (const [index, session] of Object.entries(state?.sessions ?? {})) {
    await report.step(`DinD session ${session.sessionId}`, () => tearDown(session, `DinD service ${index}`));
  }

  await sweepByLabel(engine, { [LABELS.owner]: OWNER, [LABELS.job]: context.label }, report, {
    // The job and service containers first, a daemon last: one found only by label (its session
    // was never recorded) gets the same teardown as a recorded one, by its session label.
    containerOrder: (a, b) =>
      Number(a.labels[LABELS.role] === 'daemon') - Number(b.labels[LABELS.role] === 'daemon'),
    endContainer: async (container) => {
      const sessionId = container.labels[LABELS.session];
      if (container.labels[LABELS.role] !== 'daemon' || !sessionId) return true;
      const session = labelOnlyState(sessionId, { stopTimeoutSeconds: deps.stopTimeoutSeconds });
      await tearDown(session, `DinD session ${sessionId}`);
      return false;
    },
  });
  if (endOfJob)
    await report.step('builds directory lease', () => releaseSlot(context.buildsLeaseDir, context.label));
  if (report.warnings.length === 0) await report.step('state file', () => removeJobState(context.stateFile));
  return { removed: report.removed, kept, warnings: report.warnings };
}
