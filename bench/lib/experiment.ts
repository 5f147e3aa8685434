/** The shape of one experiment (one group of figures of issue 7). */
import type { ExperimentId } from './args.js';
import type { BenchContext } from './context.js';
import type { Figure, Ratio, Target } from './report.js';

export interface ExperimentOutcome {
  readonly method: readonly string[];
  readonly figures: readonly Figure[];
  readonly ratios: readonly Ratio[];
  readonly targets: readonly Target[];
  readonly findings: readonly string[];
}

export interface Experiment {
  readonly id: ExperimentId;
  readonly title: string;
  run(ctx: BenchContext): Promise<ExperimentOutcome>;
}
