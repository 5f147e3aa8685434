/**
 * The one runner every experiment uses: warm-up rounds, then counted rounds, and within each round
 * every variant once, in order (A B C A B C ...), so slow drifts of a shared machine hit every
 * variant alike. A failing run ends the experiment with its error (after the variant's own cleanup).
 */

export interface Round {
  /** 0-based over all rounds, warm-up included. */
  readonly index: number;
  readonly warmup: boolean;
  /** "warm-up 1/1", "run 3/5". */
  readonly label: string;
}

export interface Variant<R> {
  readonly name: string;
  run(round: Round): Promise<R>;
}

export interface Schedule {
  readonly warmup: number;
  readonly runs: number;
}

export interface AlternateOptions<R> {
  /** One progress line per run. */
  readonly progress?: (line: string) => void;
  /** How a run's result is shown in the progress line. */
  readonly describe?: (result: R) => string;
}

/** Counted results per variant name, in run order. */
export type Samples<R> = Record<string, R[]>;

export function rounds(schedule: Schedule): Round[] {
  const all: Round[] = [];
  for (let i = 0; i < schedule.warmup; i++) {
    all.push({ index: all.length, warmup: true, label: `warm-up ${i + 1}/${schedule.warmup}` });
  }
  for (let i = 0; i < schedule.runs; i++) {
    all.push({ index: all.length, warmup: false, label: `run ${i + 1}/${schedule.runs}` });
  }
  return all;
}

export async function alternate<R>(
  variants: readonly Variant<R>[],
  schedule: Schedule,
  options: AlternateOptions<R> = {},
): Promise<Samples<R>> {
  const samples: Samples<R> = Object.fromEntries(variants.map((variant) => [variant.name, [] as R[]]));
  for (const round of rounds(schedule)) {
    for (const variant of variants) {
      const result = await variant.run(round);
      options.progress?.(`${round.label} ${variant.name}: ${options.describe?.(result) ?? String(result)}`);
      if (!round.warmup) samples[variant.name]!.push(result);
    }
  }
  return samples;
}

/** Wall-clock milliseconds of an action, with its value. */
export async function timed<T>(action: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await action();
  return { value, ms: performance.now() - started };
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
