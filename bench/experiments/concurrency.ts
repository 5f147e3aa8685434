/**
 * 1, 2 and 4 sessions launched at once on one host, all with one cache key (so they lease slots
 * 0..3 of it: the container name is the lease): all must succeed; median and worst launch time.
 */
import type { Session } from '../../src/session/types.js';
import type { BenchContext } from '../lib/context.js';
import type { Experiment, ExperimentOutcome } from '../lib/experiment.js';
import { type Samples, type Variant, alternate, formatMs, timed } from '../lib/measure.js';
import { type Figure, figure } from '../lib/report.js';
import { endSession, removeCacheVolumes, startSession } from '../lib/sessions.js';

const LEVELS = [1, 2, 4] as const;

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

function variant(ctx: BenchContext, n: number, cacheKey: string): Variant<ConcurrencySample> {
  return { name: `x${n}`, run: () => launchTogether(ctx, n, cacheKey) };
}

function describe(sample: ConcurrencySample): string {
  return `${sample.launchMs.map(formatMs).join(', ')} (slots ${sample.slots.join(',')})`;
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
  const single = figures[0]!;
  const four = figures[2]!;
  const worstOverSingle = four.summary.max / single.summary.median;
  const slotSets = LEVELS.map(
    (n) => `x${n}: ${samples[`x${n}`]!.map((s) => `[${s.slots.join(',')}]`).join(' ')}`,
  );
  return {
    method: [
      'Each round launches 1, then 2, then 4 sessions concurrently (Promise.all of launch()), all on one cache key with the ' +
        'default cache-slots (4), so concurrent sessions lease distinct slots; each launch is timed on its own; all are torn ' +
        'down (not timed) before the next level.',
    ],
    figures,
    ratios: [
      {
        id: 'concurrency-x4-worst/x1',
        label: 'concurrency: worst of 4 at once / single (median)',
        numerator: four.id,
        denominator: single.id,
        value: Math.round(worstOverSingle * 1000) / 1000,
      },
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
  try {
    const samples = await alternate(
      LEVELS.map((n) => variant(ctx, n, cacheKey)),
      ctx.schedule,
      { progress: (line) => ctx.progress(`concurrency ${line}`), describe },
    );
    return concurrencyOutcome(samples);
  } finally {
    await removeCacheVolumes(ctx, cacheKey);
  }
}

export const concurrencyExperiment: Experiment = {
  id: 'concurrency',
  title: 'Concurrent sessions on one host, one cache key',
  run,
};
