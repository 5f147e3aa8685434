/**
 * 1, 2 and 4 sessions launched at once on one host, all with one cache key (so they lease slots
 * 0..3 of it: the container name is the lease): all must succeed; median and worst launch time.
 * Beside them, the floor at the same levels: 1 and 4 bare DinD containers of the same image and
 * runtime started at once (certificates made beforehand), which says how much of the slowdown
 * is the machine's (CPUs shared by starting daemons) rather than secure-dind's.
 */
import type { Session } from '../../src/session/types.js';
import {
  type BareNetwork,
  type FloorCerts,
  bareAddress,
  createBareNetwork,
  prepareFloorCerts,
  removeBare,
  removeBareNetwork,
  runBare,
  waitBareDaemon,
} from '../lib/bare-dind.js';
import type { BenchContext } from '../lib/context.js';
import type { Experiment, ExperimentOutcome } from '../lib/experiment.js';
import { type Samples, type Variant, alternate, formatMs, timed } from '../lib/measure.js';
import { type Figure, figure, medianRatio } from '../lib/report.js';
import { endSession, removeCacheVolumes, startSession } from '../lib/sessions.js';

const LEVELS = [1, 2, 4] as const;
const FLOOR_LEVELS = [1, 4] as const;
/** Bare containers' addresses on the run's bare network: .2 up. */
const FIRST_BARE_HOST = 2;

interface ConcurrencySample {
  readonly launchMs: readonly number[];
  readonly slots: readonly number[];
}

/** Launches n sessions at once, then ends them all (not timed). Any failed launch fails the run. */
async function launchTogether(ctx: BenchContext, n: number, cacheKey: string): Promise<ConcurrencySample> {
  const settled = await Promise.allSettled(
    Array.from({ length: n }, () => timed(() => startSession(ctx, { 'cache-key': cacheKey }))),
  );
  const launched = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  await Promise.all(launched.map(({ value }: { value: Session }) => endSession(ctx, value)));
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  if (failures.length)
    throw new Error(`${failures.length} of ${n} concurrent launches failed: ${failures.join('; ')}`);
  return {
    launchMs: launched.map((l) => l.ms),
    slots: launched.map((l) => l.value.cacheSlot ?? -1).sort((a, b) => a - b),
  };
}

/** Starts n bare DinD containers at once, each timed to its first mTLS answer; then removes them. */
async function floorTogether(
  ctx: BenchContext,
  n: number,
  network: BareNetwork,
  certs: FloorCerts,
  round: number,
): Promise<ConcurrencySample> {
  const ids: string[] = [];
  try {
    const settled = await Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        timed(async () => {
          const ip = bareAddress(network, FIRST_BARE_HOST + i);
          const id = await runBare(ctx, network, {
            name: `${ctx.prefix}-floor-x${n}-${round}-${i}`,
            ip,
            binds: { [certs.serverDir]: '/certs/server:ro' },
          });
          ids.push(id);
          await waitBareDaemon(ctx, id, ip, certs.client);
        }),
      ),
    );
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    if (failures.length)
      throw new Error(`${failures.length} of ${n} bare containers failed to start: ${failures.join('; ')}`);
    return { launchMs: settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value.ms] : [])), slots: [] };
  } finally {
    await Promise.all(ids.map((id) => removeBare(ctx, id)));
  }
}

function variant(ctx: BenchContext, n: number, cacheKey: string): Variant<ConcurrencySample> {
  return { name: `x${n}`, run: () => launchTogether(ctx, n, cacheKey) };
}

function floorVariant(
  ctx: BenchContext,
  n: number,
  network: BareNetwork,
  certs: FloorCerts,
): Variant<ConcurrencySample> {
  return { name: `floor-x${n}`, run: (round) => floorTogether(ctx, n, network, certs, round.index) };
}

function describe(sample: ConcurrencySample): string {
  const times = sample.launchMs.map(formatMs).join(', ');
  return sample.slots.length ? `${times} (slots ${sample.slots.join(',')})` : times;
}

function concurrencyOutcome(samples: Samples<ConcurrencySample>): ExperimentOutcome {
  const figures: Figure[] = LEVELS.map((n) =>
    figure(
      `concurrency-x${n}`,
      `${n} session(s) at once: each launch (max = worst)`,
      'ms',
      samples[`x${n}`]!.flatMap((s) => s.launchMs),
    ),
  );
  const floors: Figure[] = FLOOR_LEVELS.map((n) =>
    figure(
      `concurrency-floor-x${n}`,
      `floor: ${n} bare DinD container(s) at once: each start (max = worst)`,
      'ms',
      samples[`floor-x${n}`]!.flatMap((s) => s.launchMs),
    ),
  );
  const single = figures[0]!;
  const four = figures[2]!;
  const worstOverSingle = four.summary.max / single.summary.median;
  const floorFour = floors[1]!;
  const floorWorstOverSingle = floorFour.summary.max / floors[0]!.summary.median;
  const slotSets = LEVELS.map(
    (n) => `x${n}: ${samples[`x${n}`]!.map((s) => `[${s.slots.join(',')}]`).join(' ')}`,
  );
  return {
    method: [
      'Each round launches 1, then 2, then 4 sessions concurrently (Promise.all of launch()), all on one cache key with the ' +
        'default cache-slots (4), so concurrent sessions lease distinct slots; each launch is timed on its own; all are torn ' +
        'down (not timed) before the next level.',
      'The floor, in the same rounds: 1, then 4 bare containers of the same image and runtime started at once through the ' +
        'engine API on a network of their own (certificates made beforehand and bound in, as the setup floor), each timed ' +
        'to its first mTLS answer, polled as launch() polls; removed (not timed) before the next.',
    ],
    figures: [...figures, ...floors],
    ratios: [
      {
        id: 'concurrency-x4-worst/x1',
        label: 'concurrency: worst of 4 at once / single (median)',
        numerator: four.id,
        denominator: single.id,
        value: Math.round(worstOverSingle * 1000) / 1000,
      },
      {
        id: 'concurrency-floor-x4-worst/x1',
        label: 'floor: worst of 4 bare at once / single bare (median)',
        numerator: floorFour.id,
        denominator: floors[0]!.id,
        value: Math.round(floorWorstOverSingle * 1000) / 1000,
      },
      medianRatio(
        'concurrency-x4/floor-x4',
        'concurrency: 4 at once, ours / floor (medians)',
        four,
        floorFour,
      ),
    ],
    targets: [
      {
        id: 'concurrency',
        goal: '4 sessions at once all succeed, worst launch <= 2.5x single',
        measured: `all succeeded; worst ${formatMs(four.summary.max)} = ${worstOverSingle.toFixed(2)}x`,
        met: worstOverSingle <= 2.5,
      },
    ],
    findings: [`cache slots leased per run: ${slotSets.join('; ')}`],
  };
}

async function run(ctx: BenchContext): Promise<ExperimentOutcome> {
  const cacheKey = ctx.cacheKey('concurrency');
  const network = await createBareNetwork(ctx);
  try {
    const certs = await prepareFloorCerts(
      ctx,
      Array.from({ length: Math.max(...FLOOR_LEVELS) }, (_, i) => bareAddress(network, FIRST_BARE_HOST + i)),
    );
    const samples = await alternate(
      [
        ...LEVELS.map((n) => variant(ctx, n, cacheKey)),
        ...FLOOR_LEVELS.map((n) => floorVariant(ctx, n, network, certs)),
      ],
      ctx.schedule,
      { progress: (line) => ctx.progress(`concurrency ${line}`), describe },
    );
    return concurrencyOutcome(samples);
  } finally {
    await removeCacheVolumes(ctx, cacheKey);
    await removeBareNetwork(ctx, network);
  }
}

export const concurrencyExperiment: Experiment = {
  id: 'concurrency',
  title: 'Concurrent sessions on one host, one cache key',
  run,
};
