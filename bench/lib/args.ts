/** Command-line options of `npm run bench`. */
import { parseArgs } from 'node:util';

export const EXPERIMENT_IDS = [
  'setup',
  'build',
  'teardown',
  'concurrency',
  'memory',
  'soak',
  'mirror',
  'clone',
] as const;
export type ExperimentId = (typeof EXPERIMENT_IDS)[number];

export interface BenchArgs {
  /** CI mode: one counted run, no warm-up, the small build. */
  readonly quick: boolean;
  readonly runs: number;
  readonly warmup: number;
  readonly only: readonly ExperimentId[];
  /** Launches in the start-storm soak. */
  readonly soak: number;
  /** Where the results JSON goes. */
  readonly out: string;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--runs N] [--warmup N] [--only LIST] [--soak N] [--out FILE]

  --quick        one counted run, no warm-up, the small build (CI keeps the code working with it)
  --runs N       counted runs per figure (default 5; quick: 1)
  --warmup N     warm-up rounds before them, not counted (default 1; quick: 0)
  --only LIST    comma-separated subset of: ${EXPERIMENT_IDS.join(', ')}
  --soak N       launches in the start-storm soak, up to 8 at once (default 200; quick: 10)
  --out FILE     results JSON (default bench/results.json; quick: bench/results.quick.json)`;

function whole(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be a whole number >= ${min}, not "${text}"`);
  return value;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      only: { type: 'string' },
      soak: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const only = (values.only ?? EXPERIMENT_IDS.join(','))
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  for (const id of only) {
    if (!(EXPERIMENT_IDS as readonly string[]).includes(id)) {
      throw new Error(`--only: unknown experiment "${id}" (known: ${EXPERIMENT_IDS.join(', ')})`);
    }
  }
  return {
    quick,
    runs: whole('runs', values.runs, quick ? 1 : 5, 1),
    warmup: whole('warmup', values.warmup, quick ? 0 : 1, 0),
    only: only as ExperimentId[],
    soak: whole('soak', values.soak, quick ? 10 : 200, 1),
    out: values.out ?? (quick ? 'bench/results.quick.json' : 'bench/results.json'),
    help: values.help ?? false,
  };
}
