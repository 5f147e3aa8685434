/**
 * Start storm: N launches, up to 8 at once (eight lanes, each on its own cache key, as eight
 * projects' jobs on one runner host), each followed by a container run inside and a teardown.
 * Reports launch time percentiles, every failure with its cause, and what is left behind at the
 * end (containers, networks, certificate directories, session records): the goal is none of either.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABELS, OWNER } from '../../src/core/names.js';
import { describeError } from '../../src/core/errors.js';
import type { Session } from '../../src/session/types.js';
import { innerDocker } from '../../test/support/inner.js';
import { BUSYBOX_IMAGE, type BenchContext } from '../lib/context.js';
import { ensureImage } from '../lib/docker.js';
import type { Experiment, ExperimentOutcome } from '../lib/experiment.js';
import { formatMs, timed } from '../lib/measure.js';
import { figure } from '../lib/report.js';
import { endSession, removeCacheVolumes, startSession } from '../lib/sessions.js';

const LANES = 8;

interface Attempt {
  readonly index: number;
  readonly launchMs?: number;
  readonly failure?: string;
}

/** One job: launch, run a container inside, tear down. Never throws: a failure is a result. */
async function job(ctx: BenchContext, index: number, cacheKey: string): Promise<Attempt> {
  let launched: Awaited<ReturnType<typeof timed<Session>>>;
  try {
    launched = await timed(() => startSession(ctx, { 'cache-key': cacheKey }));
  } catch (error) {
    return { index, failure: `launch: ${firstLine(error)}` };
  }
  const { value: session, ms } = launched;
  let failure: string | undefined;
  try {
    await ensureImage(session.env, BUSYBOX_IMAGE);
    const out = await innerDocker(session.env, ['run', '--rm', BUSYBOX_IMAGE, 'echo', `job-${index}`]);
    if (!out.includes(`job-${index}`)) failure = `inner docker run: unexpected output ${out.trim()}`;
  } catch (error) {
    failure = `inner docker run: ${firstLine(error)}`;
  }
  const report = await endSession(ctx, session);
  failure ??= report.warnings.length ? `teardown: ${report.warnings.join('; ')}` : undefined;
  return failure ? { index, failure } : { index, launchMs: ms };
}

function firstLine(error: unknown): string {
  return describeError(error).split('\n')[0] ?? '';
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Session certificate directories in the temp directory (where launch() puts them by default). */
async function certDirs(): Promise<Set<string>> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  return new Set(names.filter((name) => /^secure-dind-[0-9a-f]{12}$/.test(name)));
}

/** What this run's sessions left: labelled resources, new certificate directories, records. */
async function leftovers(ctx: BenchContext, certDirsBefore: ReadonlySet<string>): Promise<string[]> {
  const mine = { [LABELS.owner]: OWNER, [LABELS.job]: ctx.prefix };
  const [containers, networks] = await Promise.all([
    ctx.engine.listContainers(mine),
    ctx.engine.listNetworks(mine),
  ]);
  const newCertDirs = [...(await certDirs())].filter((name) => !certDirsBefore.has(name));
  const records = existsSync(join(ctx.stateDir, 'sessions'))
    ? await readdir(join(ctx.stateDir, 'sessions'))
    : [];
  return [
    ...containers.map((c) => `container ${c.name}`),
    ...networks.map((n) => `network ${n.name}`),
    ...newCertDirs.map((d) => `cert dir ${join(tmpdir(), d)}`),
    ...records.map((r) => `session record ${r}`),
  ];
}

async function run(ctx: BenchContext): Promise<ExperimentOutcome> {
  const total = ctx.soakLaunches;
  const keys = Array.from({ length: LANES }, (_, lane) => ctx.cacheKey(`soak-${lane}`));
  const attempts: Attempt[] = [];
  let next = 0;
  const certDirsBefore = await certDirs();
  const started = performance.now();
  try {
    await Promise.all(
      keys.map(async (cacheKey) => {
        for (let index = next++; index < total; index = next++) {
          const attempt = await job(ctx, index, cacheKey);
          attempts.push(attempt);
          if (attempt.failure) ctx.progress(`soak job ${index} FAILED: ${attempt.failure}`);
          else if (attempts.length % 10 === 0) ctx.progress(`soak ${attempts.length}/${total} done`);
        }
      }),
    );
  } finally {
    for (const key of keys) await removeCacheVolumes(ctx, key);
  }
  const left = await leftovers(ctx, certDirsBefore);
  const failures = attempts.filter((a) => a.failure);
  const launches = attempts.flatMap((a) => (a.launchMs === undefined ? [] : [a.launchMs]));
  const sorted = [...launches].sort((a, b) => a - b);
  const seconds = (performance.now() - started) / 1000;
  return {
    method: [
      `${total} jobs, ${LANES} at a time (one lane per cache key, as ${LANES} projects on one runner host). Each job: ` +
        'launch() with the product defaults, load busybox into the daemon when its cache lacks it, `docker run --rm` ' +
        'inside over mutual TLS, teardown(). A failure at any step is recorded with its cause and the lane goes on.',
      'Leaks are counted after the last job: containers and networks labelled with this run, certificate directories ' +
        'of its sessions in the temp directory, and session records in its state directory.',
    ],
    figures: [figure('soak-launch', `launch under a start storm (${LANES} at once)`, 'ms', launches)],
    ratios: [],
    targets: [
      {
        id: 'soak-failures',
        goal: `${total} launches, up to ${LANES} at once: no failure`,
        measured: `${failures.length} failed of ${attempts.length}`,
        met: failures.length === 0 && attempts.length === total,
      },
      {
        id: 'soak-leaks',
        goal: 'nothing left behind (containers, networks, certificate directories, records)',
        measured: left.length === 0 ? 'none' : `${left.length}: ${left.slice(0, 5).join(', ')}`,
        met: left.length === 0,
      },
    ],
    findings: [
      `launch p50 ${formatMs(percentile(sorted, 50))}, p95 ${formatMs(percentile(sorted, 95))}, max ${formatMs(sorted.at(-1) ?? Number.NaN)}; ` +
        `${attempts.length} jobs in ${seconds.toFixed(0)} s`,
      ...failures.map((f) => `job ${f.index} failed: ${f.failure}`),
      ...left.map((line) => `left behind: ${line}`),
    ],
  };
}

export const soakExperiment: Experiment = {
  id: 'soak',
  title: 'Start storm: many launches, up to 8 at once',
  run,
};
