/**
 * Graceful teardown with three inner containers running (busybox `sleep 600`: as PID 1 it ignores
 * SIGTERM, so the inner daemon waits its shutdown-timeout, 1 s, then kills),
 * and whether the next session's daemon starts on the same volume without recovery warnings.
 */
import type { Session } from '../../src/session/types.js';
import { BUSYBOX_IMAGE, type BenchContext } from '../lib/context.js';
import { innerDocker } from '../../test/support/inner.js';
import { ensureImage } from '../lib/docker.js';
import { hostLogs } from '../../test/support/engine.js';
import type { Experiment, ExperimentOutcome } from '../lib/experiment.js';
import { type Samples, type Variant, alternate, formatMs, timed } from '../lib/measure.js';
import { figure } from '../lib/report.js';
import { endSession, removeCacheVolumes, startSession } from '../lib/sessions.js';

const INNER_CONTAINERS = 3;
/** What in a starting dockerd's log would mean the last stop was not clean. */
const RECOVERY_PATTERN = /unclean shutdown|recover|corrupt|level=error|level=fatal|panic/i;
/** Let the daemon finish its start-up work (restoring containers, cleaning up) before reading its log. */
const SETTLE_MS = 2_000;

interface StartCheck {
  /** Which teardown this start followed ("fresh volume" for the first session). */
  readonly after: string;
  readonly suspiciousLines: readonly string[];
  readonly leftoverContainers: number;
}

/** Reads the host-side log of the session's DinD container and what the inner daemon kept. */
async function checkStart(session: Session, after: string): Promise<StartCheck> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const lines = (await hostLogs(session.containerName))
    .split('\n')
    .filter((line) => RECOVERY_PATTERN.test(line));
  const leftovers = (await innerDocker(session.env, ['ps', '-aq'])).split('\n').filter(Boolean).length;
  return {
    after,
    suspiciousLines: [...new Set(lines.map((line) => line.trim()))],
    leftoverContainers: leftovers,
  };
}

/** What the inner containers run: the brief's case, and one that stops as soon as it is asked. */
const SLEEPERS = {
  'ignores-sigterm': ['sleep', '600'],
  'exits-on-sigterm': ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'],
} as const satisfies Record<string, readonly string[]>;
type SleeperKind = keyof typeof SLEEPERS;

async function startSleepers(session: Session, kind: SleeperKind, round: number): Promise<void> {
  await ensureImage(session.env, BUSYBOX_IMAGE);
  for (let i = 1; i <= INNER_CONTAINERS; i++) {
    const name = `sd-bench-${kind}-${round}-${i}`;
    await innerDocker(session.env, ['run', '-d', '--rm', '--name', name, BUSYBOX_IMAGE, ...SLEEPERS[kind]]);
  }
  const running = (await innerDocker(session.env, ['ps', '-q'])).split('\n').filter(Boolean).length;
  if (running < INNER_CONTAINERS)
    throw new Error(`only ${running} of ${INNER_CONTAINERS} inner containers are running`);
}

function describeCheck(check: StartCheck): string {
  const lines = check.suspiciousLines.length
    ? `${check.suspiciousLines.length} suspicious log line(s): ${check.suspiciousLines.slice(0, 3).join(' | ')}`
    : 'no recovery/corruption/error lines in its log';
  return `start after ${check.after}: ${lines}; ${check.leftoverContainers} container(s) left in the daemon`;
}

/** Sessions one after another on one cache key; each start is checked against the teardown before it. */
interface VolumeChain {
  readonly cacheKey: string;
  readonly checks: StartCheck[];
  previous: string;
}

function teardownVariant(ctx: BenchContext, chain: VolumeChain, kind: SleeperKind): Variant<number> {
  return {
    name: kind,
    async run(round) {
      const session = await startSession(ctx, { 'cache-key': chain.cacheKey });
      let ended = false;
      try {
        chain.checks.push(await checkStart(session, chain.previous));
        await startSleepers(session, kind, round.index);
        const { value: report, ms } = await timed(() => endSession(ctx, session));
        ended = true;
        chain.previous = `teardown of ${round.label} ${kind}`;
        if (report.warnings.length) throw new Error(`teardown warnings: ${report.warnings.join('; ')}`);
        return ms;
      } finally {
        if (!ended) await endSession(ctx, session);
      }
    },
  };
}

/** One more session after the last round, to check the last teardown. */
async function checkLastTeardown(ctx: BenchContext, chain: VolumeChain): Promise<void> {
  const last = await startSession(ctx, { 'cache-key': chain.cacheKey });
  try {
    chain.checks.push(await checkStart(last, chain.previous));
  } finally {
    await endSession(ctx, last);
  }
}

function teardownOutcome(samples: Samples<number>, checks: readonly StartCheck[]): ExperimentOutcome {
  const afterTeardown = checks.slice(1);
  const clean = afterTeardown.filter((c) => c.suspiciousLines.length === 0);
  const time = figure(
    'teardown',
    `graceful teardown, ${INNER_CONTAINERS} busybox \`sleep 600\` running (PID 1 ignores SIGTERM)`,
    'ms',
    samples['ignores-sigterm']!,
  );
  const cooperative = figure(
    'teardown-cooperative',
    `graceful teardown, ${INNER_CONTAINERS} containers that exit on SIGTERM`,
    'ms',
    samples['exits-on-sigterm']!,
  );
  const waited = time.summary.median - cooperative.summary.median;
  return {
    method: [
      "One cache key for all rounds. Each round: launch on the volume the last round left, read the DinD container's log " +
        '(`docker logs` on the host, 2 s after ready) for /unclean shutdown|recover|corrupt|level=error|level=fatal|panic/i, ' +
        `start ${INNER_CONTAINERS} busybox containers, then time teardown() (graceful stop with the default stop-timeout ` +
        '20 s; secure-dind stops the inner containers with 1 s of grace and sets the inner shutdown-timeout to 1 s; removal of container, network and client certificates).',
      'Two variants alternate on that key: the inner containers run busybox `sleep 600` as PID 1 (ignores SIGTERM: the case ' +
        'of the target), or a shell that exits on SIGTERM (what a well-behaved job leaves running).',
      'A last session after the final round checks the final teardown.',
    ],
    figures: [time, cooperative],
    ratios: [],
    targets: [
      {
        id: 'teardown',
        goal: 'teardown <= 3 s',
        measured: formatMs(time.summary.median),
        met: time.summary.median <= 3000,
      },
      {
        id: 'teardown-clean',
        goal: 'next session starts without recovery warnings',
        measured: `${clean.length}/${afterTeardown.length} starts clean`,
        met: afterTeardown.length > 0 && clean.length === afterTeardown.length,
      },
    ],
    findings: [
      `containers that ignore SIGTERM add ${formatMs(waited)} (difference of medians) to the teardown`,
      ...checks.map(describeCheck),
    ],
  };
}

async function run(ctx: BenchContext): Promise<ExperimentOutcome> {
  const chain: VolumeChain = { cacheKey: ctx.cacheKey('teardown'), checks: [], previous: 'fresh volume' };
  try {
    const samples = await alternate(
      [teardownVariant(ctx, chain, 'ignores-sigterm'), teardownVariant(ctx, chain, 'exits-on-sigterm')],
      ctx.schedule,
      { progress: (line) => ctx.progress(`teardown ${line}`), describe: formatMs },
    );
    await checkLastTeardown(ctx, chain);
    return teardownOutcome(samples, chain.checks);
  } finally {
    await removeCacheVolumes(ctx, chain.cacheKey);
  }
}

export const teardownExperiment: Experiment = {
  id: 'teardown',
  title: 'Teardown with inner containers running, and the next start on the volume',
  run,
};
