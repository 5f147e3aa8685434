/**
 * Cold and warm builds of the reference Dockerfile (bench/fixture/full; quick mode: bench/fixture/quick):
 *   cold         session 1 of a fresh cache key (empty cache volume);
 *   warm         session 2 of the same key, after session 1 was torn down;
 *   cold, no cache   a session with `cache: false` (scratch volume);
 *   cold and warm with generations: the same pair with the cache store on a loop-mounted XFS, so
 *   session 2 starts from a clone of the generation session 1 committed.
 * The base image is copied into the session's daemon (docker save | docker load) before the clock
 * starts, and only when the daemon lacks it: that copy is reported on its own, never in the build.
 */
import { resolve } from 'node:path';
import type { Session } from '../../src/session/types.js';
import type { BenchContext } from '../lib/context.js';
import { BASE_IMAGE, BUSYBOX_IMAGE } from '../lib/context.js';
import { innerDocker } from '../../test/support/inner.js';
import { ensureImage } from '../lib/docker.js';
import type { Experiment, ExperimentOutcome } from '../lib/experiment.js';
import { type Samples, type Variant, alternate, formatMs, timed } from '../lib/measure.js';
import { figure, medianRatio } from '../lib/report.js';
import { removeCacheVolumes, withSession } from '../lib/sessions.js';
import { type LoopFs, mountLoopFs } from '../../test/support/loop-fs.js';

const BUILD_TIMEOUT_MS = 30 * 60_000;

interface BuildSample {
  readonly buildMs: number;
  /** Time to copy the base image in; 0 when the daemon already had it. */
  readonly loadMs: number;
  readonly cacheHit: boolean;
  /** Steps that can come from the cache (every step but FROM). */
  readonly cacheableSteps: number;
  readonly cachedSteps: number;
  readonly cacheMode: string;
}

interface Fixture {
  readonly dir: string;
  readonly baseImage: string;
  readonly tag: string;
  readonly description: string;
}

function fixture(quick: boolean): Fixture {
  return quick
    ? {
        dir: resolve('bench/fixture/quick'),
        baseImage: BUSYBOX_IMAGE,
        tag: 'sd-bench-fixture:quick',
        description: 'bench/fixture/quick: busybox, 6 cheap RUN layers, no network, 2 stages',
      }
    : {
        dir: resolve('bench/fixture/full'),
        baseImage: BASE_IMAGE,
        tag: 'sd-bench-fixture:full',
        description:
          'bench/fixture/full: Debian bookworm base, 7 RUN layers (apt-get install gcc libc6-dev from the Debian mirror, ' +
          'three -O2 compiles, running the program to make data), final stage from scratch with the static binary',
      };
}

/** Builds the fixture in the session's daemon the way a job does: the docker CLI with the session env. */
async function buildIn(session: Session, fx: Fixture): Promise<BuildSample> {
  const load = await timed(() => ensureImage(session.env, fx.baseImage));
  const build = await timed(() =>
    // Debian's docker CLI has no buildx, so BuildKit is not available: the classic builder.
    innerDocker(session.env, ['build', '-t', fx.tag, fx.dir], BUILD_TIMEOUT_MS, { DOCKER_BUILDKIT: '0' }),
  );
  return {
    buildMs: build.ms,
    loadMs: load.value ? load.ms : 0,
    cacheHit: session.cacheHit,
    cacheMode: session.cacheMode,
    cacheableSteps: (build.value.match(/^Step \d+\/\d+ : (?!FROM )/gm) ?? []).length,
    cachedSteps: (build.value.match(/^ ---> Using cache$/gm) ?? []).length,
  };
}

function variants(ctx: BenchContext, fx: Fixture, store: LoopFs): Variant<BuildSample>[] {
  const key = (index: number) => ctx.cacheKey(`build-${index}`);
  const generations = (index: number) => ({
    'cache-key': ctx.cacheKey(`build-gen-${index}`),
    'cache-store': store.dir,
  });
  return [
    {
      name: 'cold',
      run: (round) => withSession(ctx, { 'cache-key': key(round.index) }, (s) => buildIn(s, fx)),
    },
    {
      name: 'warm',
      async run(round) {
        try {
          return await withSession(ctx, { 'cache-key': key(round.index) }, (s) => buildIn(s, fx));
        } finally {
          await removeCacheVolumes(ctx, key(round.index));
        }
      },
    },
    {
      name: 'cold-generations',
      run: (round) => withSession(ctx, generations(round.index), (s) => buildIn(s, fx)),
    },
    {
      // Committed by session 1's teardown (it succeeded), cloned for session 2.
      name: 'warm-generations',
      run: (round) => withSession(ctx, generations(round.index), (s) => buildIn(s, fx)),
    },
    {
      name: 'cold-nocache',
      run: (round) =>
        withSession(ctx, { cache: 'false', 'cache-key': ctx.cacheKey(`build-nocache-${round.index}`) }, (s) =>
          buildIn(s, fx),
        ),
    },
  ];
}

function describe(sample: BuildSample): string {
  return (
    `build ${formatMs(sample.buildMs)} (${sample.cachedSteps}/${sample.cacheableSteps} steps cached, cache ${sample.cacheMode}), ` +
    `base image load ${formatMs(sample.loadMs)}, cache ${sample.cacheHit ? 'hit' : 'miss'}`
  );
}

function buildOutcome(samples: Samples<BuildSample>, fx: Fixture): ExperimentOutcome {
  const cold = figure(
    'build-cold',
    'cold build (session 1, empty cache volume)',
    'ms',
    samples.cold!.map((s) => s.buildMs),
  );
  const warm = figure(
    'build-warm',
    'warm build (session 2, same cache key)',
    'ms',
    samples.warm!.map((s) => s.buildMs),
  );
  const nocache = figure(
    'build-cold-nocache',
    'cold build with cache: false',
    'ms',
    samples['cold-nocache']!.map((s) => s.buildMs),
  );
  const loadCold = figure(
    'build-load-cold',
    '  base image load, cold session (not in build)',
    'ms',
    samples.cold!.map((s) => s.loadMs),
  );
  const loadWarm = figure(
    'build-load-warm',
    '  base image load, warm session (not in build)',
    'ms',
    samples.warm!.map((s) => s.loadMs),
  );
  const coldGenerations = figure(
    'build-cold-generations',
    'cold build, generations (session 1 on an XFS cache store)',
    'ms',
    samples['cold-generations']!.map((s) => s.buildMs),
  );
  const warmGenerations = figure(
    'build-warm-generations',
    "warm build, generations (session 2: a clone of session 1's generation)",
    'ms',
    samples['warm-generations']!.map((s) => s.buildMs),
  );
  const warmOverCold = medianRatio('build-warm/cold', 'build: warm / cold', warm, cold);
  const generationsWarmOverCold = medianRatio(
    'build-warm/cold-generations',
    'build with generations: warm / cold',
    warmGenerations,
    coldGenerations,
  );
  const inGenerations = samples['warm-generations']!.filter((s) => s.cacheMode === 'generations').length;
  const warmHits = samples.warm!.filter((s) => s.cacheHit).length;
  const allCached = samples.warm!.filter(
    (s) => s.cacheableSteps > 0 && s.cachedSteps === s.cacheableSteps,
  ).length;
  return {
    method: [
      `Fixture: ${fx.description}.`,
      'Each round: session 1 on a fresh cache key builds (cold) and is torn down; session 2 on the same key builds again (warm); ' +
        'the same pair with the cache store on a loop-mounted XFS (generations: session 1 commits, session 2 starts from a clone); ' +
        'a third session with cache: false builds (cold, no cache volume). `docker build` via the docker CLI with only the session env, ' +
        "classic builder (DOCKER_BUILDKIT=0: Debian's docker CLI has no buildx).",
      `The base image (${fx.baseImage}) is copied in with docker save | docker load before the clock starts, only when the daemon lacks it; ` +
        'that copy is excluded from every build figure and reported separately.',
    ],
    figures: [cold, warm, nocache, coldGenerations, warmGenerations, loadCold, loadWarm],
    ratios: [
      warmOverCold,
      generationsWarmOverCold,
      medianRatio('build-nocache/cold', 'build: cold with cache: false / cold', nocache, cold),
    ],
    targets: [
      {
        id: 'build-warm',
        goal: 'build: warm / cold <= 0.10',
        measured: warmOverCold.value.toFixed(3),
        met: warmOverCold.value <= 0.1,
      },
      {
        id: 'build-warm-generations',
        goal: 'build with generations on: warm / cold <= 0.10',
        measured: generationsWarmOverCold.value.toFixed(3),
        met: generationsWarmOverCold.value <= 0.1 && inGenerations === samples['warm-generations']!.length,
      },
    ],
    findings: [
      `warm sessions that found their cache volume (cacheHit): ${warmHits}/${samples.warm!.length}`,
      `warm builds with every cacheable step from cache: ${allCached}/${samples.warm!.length}`,
      `warm sessions in generations mode that started from session 1's generation: ${samples['warm-generations']!.filter((s) => s.cacheMode === 'generations' && s.cacheHit).length}/${samples['warm-generations']!.length}`,
    ],
  };
}

async function run(ctx: BenchContext): Promise<ExperimentOutcome> {
  const fx = fixture(ctx.quick);
  // Sparse: only what the builds write takes host disk.
  const store = await mountLoopFs(ctx.workDir, 'xfs', 16 * 1024);
  try {
    const samples = await alternate(variants(ctx, fx, store), ctx.schedule, {
      progress: (line) => ctx.progress(`build ${line}`),
      describe,
    });
    return buildOutcome(samples, fx);
  } finally {
    await store.release();
  }
}

export const buildExperiment: Experiment = {
  id: 'build',
  title: 'Cold and warm builds',
  run,
};
