/**
 * `npm run bench`: secure-dind against the usual ways of running a Docker daemon in CI, side by side
 * in one run. Prints the tables, writes the results JSON, removes everything it created, and exits
 * non-zero when a measured operation failed (never because a target was missed).
 */
import { EXPERIMENT_IDS, USAGE, parseBenchArgs, type BenchArgs } from './lib/args.js';
import { sweep } from './lib/cleanup.js';
import { type BenchContext, createContext, preflight } from './lib/context.js';
import type { Experiment } from './lib/experiment.js';
import { describeMachine, loadSnapshot } from './lib/machine.js';
import {
  type BenchResults,
  type ExperimentResult,
  renderExperiment,
  renderMachine,
  renderSummary,
  writeResults,
} from './lib/report.js';
import { buildExperiment } from './experiments/build.js';
import { cloneExperiment } from './experiments/clone.js';
import { concurrencyExperiment } from './experiments/concurrency.js';
import { memoryExperiment } from './experiments/memory.js';
import { mirrorExperiment } from './experiments/mirror.js';
import { setupExperiment } from './experiments/setup.js';
import { soakExperiment } from './experiments/soak.js';
import { teardownExperiment } from './experiments/teardown.js';

const EXPERIMENTS: readonly Experiment[] = [
  setupExperiment,
  buildExperiment,
  teardownExperiment,
  concurrencyExperiment,
  memoryExperiment,
  soakExperiment,
  mirrorExperiment,
  cloneExperiment,
];

async function runExperiment(ctx: BenchContext, experiment: Experiment): Promise<ExperimentResult> {
  const started = performance.now();
  ctx.progress(`${experiment.id}: ${experiment.title}`);
  try {
    const outcome = await experiment.run(ctx);
    return {
      id: experiment.id,
      title: experiment.title,
      ...outcome,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.progress(`${experiment.id} FAILED: ${message}`);
    return {
      id: experiment.id,
      title: experiment.title,
      method: [],
      figures: [],
      ratios: [],
      targets: [],
      findings: [],
      seconds: (performance.now() - started) / 1000,
      error: message,
    };
  }
}

/** Ctrl-C or a CI cancel: remove what this run created before going. */
function cleanUpOnSignals(ctx: BenchContext): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      ctx.progress(`${signal}: removing what this run created`);
      void sweep(ctx).finally(() => process.exit(130));
    });
  }
}

async function bench(args: BenchArgs): Promise<number> {
  const started = performance.now();
  const ctx = await createContext(args);
  cleanUpOnSignals(ctx);
  const experiments: ExperimentResult[] = [];
  let cleanup: Awaited<ReturnType<typeof sweep>> | undefined;
  try {
    await preflight(ctx.api);
    const machine = await describeMachine(ctx.api, ctx.runtime, ctx.image);
    const loadStart = await loadSnapshot(ctx.api);
    ctx.progress(
      `run ${ctx.prefix}, ${args.quick ? 'quick' : 'full'} mode, ${args.warmup} warm-up + ${args.runs} counted`,
    );
    for (const experiment of EXPERIMENTS.filter((e) => args.only.includes(e.id))) {
      const result = await runExperiment(ctx, experiment);
      experiments.push(result);
      process.stdout.write(`\n${renderExperiment(result)}\n`);
    }
    cleanup = await sweep(ctx);
    const results: BenchResults = {
      tool: 'secure-dind bench',
      date: new Date().toISOString(),
      mode: args.quick ? 'quick' : 'full',
      schedule: {
        warmup: args.warmup,
        runs: args.runs,
        order: 'compared variants alternate within each round (A B C A B C ...)',
      },
      machine,
      load: { start: loadStart, end: await loadSnapshot(ctx.api) },
      experiments,
      cleanup: { leaked: cleanup.removed, spareNetworks: cleanup.spares, errors: cleanup.errors },
      ok: experiments.every((e) => !e.error) && cleanup.errors.length === 0,
      seconds: Math.round((performance.now() - started) / 1000),
    };
    process.stdout.write(`\n${renderMachine(results)}\n\n${renderSummary(results)}\n`);
    await writeResults(args.out, results);
    ctx.progress(`results written to ${args.out} (${results.seconds} s)`);
    return results.ok ? 0 : 1;
  } finally {
    cleanup ??= await sweep(ctx);
  }
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n\nExperiments: ${EXPERIMENT_IDS.join(', ')}\n`);
    return 0;
  }
  try {
    return await bench(args);
  } catch (error) {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

// Engine clients keep sockets alive: exit explicitly once everything is cleaned up.
process.exit(await main());
