/** Figures, ratios and targets of an experiment, and how they are printed and saved. */
import { writeFile } from 'node:fs/promises';
import { format } from 'prettier';
import type { LoadSnapshot, MachineDescription } from './machine.js';
import { type Summary, ratio, summarize } from './stats.js';

export type Unit = 'ms' | 'MiB' | 'count';

export interface Figure {
  readonly id: string;
  readonly label: string;
  readonly unit: Unit;
  readonly samples: readonly number[];
  readonly summary: Summary;
}

/** A ratio of two figures' medians. */
export interface Ratio {
  readonly id: string;
  readonly label: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly value: number;
}

/** A goal of issue 7: reported as met or not, never asserted. */
export interface Target {
  readonly id: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface ExperimentResult {
  readonly id: string;
  readonly title: string;
  /** How it was measured, in words (printed and saved with the numbers). */
  readonly method: readonly string[];
  readonly figures: readonly Figure[];
  readonly ratios: readonly Ratio[];
  readonly targets: readonly Target[];
  /** Observations that are not numbers (log checks, cache hits, leftovers). */
  readonly findings: readonly string[];
  readonly seconds: number;
  /** Set when a measured operation failed: the experiment's figures are then partial or empty. */
  readonly error?: string;
}

export interface BenchResults {
  readonly tool: 'secure-dind bench';
  readonly date: string;
  readonly mode: 'full' | 'quick';
  readonly schedule: { readonly warmup: number; readonly runs: number; readonly order: string };
  readonly machine: MachineDescription;
  readonly load: { readonly start: LoadSnapshot; readonly end: LoadSnapshot };
  readonly experiments: readonly ExperimentResult[];
  readonly cleanup: {
    readonly leaked: readonly string[];
    /** The ready networks the run's launches left for the next launch (the pool), removed at the end. */
    readonly spareNetworks: readonly string[];
    readonly errors: readonly string[];
  };
  readonly ok: boolean;
  readonly seconds: number;
}

export function figure(id: string, label: string, unit: Unit, samples: readonly number[]): Figure {
  const rounded = samples.map((value) => Math.round(value * 10) / 10);
  return { id, label, unit, samples: rounded, summary: summarize(rounded) };
}

export function medianRatio(id: string, label: string, numerator: Figure, denominator: Figure): Ratio {
  return {
    id,
    label,
    numerator: numerator.id,
    denominator: denominator.id,
    value: Math.round(ratio(numerator.summary.median, denominator.summary.median) * 1000) / 1000,
  };
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'MiB') return `${value.toFixed(1)} MiB`;
  if (unit === 'count') return String(Math.round(value));
  return value >= 10_000
    ? `${(value / 1000).toFixed(1)} s`
    : value >= 1000
      ? `${(value / 1000).toFixed(2)} s`
      : `${Math.round(value)} ms`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function figuresTable(figures: readonly Figure[]): string {
  return table(
    ['figure', 'median', 'min', 'max', 'n'],
    figures.map((f) => [
      f.label,
      formatValue(f.summary.median, f.unit),
      formatValue(f.summary.min, f.unit),
      formatValue(f.summary.max, f.unit),
      String(f.summary.n),
    ]),
  );
}

export function ratiosTable(ratios: readonly Ratio[]): string {
  return table(
    ['ratio (of medians)', 'value'],
    ratios.map((r) => [r.label, Number.isFinite(r.value) ? r.value.toFixed(2) : 'n/a']),
  );
}

export function targetsTable(targets: readonly Target[]): string {
  return table(
    ['target', 'measured', 'met'],
    targets.map((t) => [t.goal, t.measured, t.met ? 'met' : 'NOT met']),
  );
}

export function renderExperiment(result: ExperimentResult): string {
  const parts = [`## ${result.title} (${Math.round(result.seconds)} s)`];
  if (result.error) parts.push(`FAILED: ${result.error}`);
  if (result.figures.length) parts.push(figuresTable(result.figures));
  if (result.ratios.length) parts.push(ratiosTable(result.ratios));
  if (result.findings.length) parts.push(result.findings.map((finding) => `- ${finding}`).join('\n'));
  return parts.join('\n\n');
}

export function renderMachine(results: BenchResults): string {
  const m = results.machine;
  return [
    `secure-dind bench, ${results.mode} mode, ${results.date}: ${results.schedule.warmup} warm-up + ` +
      `${results.schedule.runs} counted run(s); ${results.schedule.order}`,
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, kernel ${m.kernel}, ${m.os}, node ${m.node}`,
    `engine: Docker ${m.engine.version} (API ${m.engine.apiVersion}), ${m.engine.storageDriver}, cgroup v${m.engine.cgroupVersion} (${m.engine.cgroupDriver})`,
    `runtime: ${m.runtime.name} -> ${m.runtime.path}${m.runtime.standIn ? ' (STAND-IN, not real Sysbox)' : ''}`,
    `load: 1-min load average ${results.load.start.loadAverage1m} at start, ${results.load.end.loadAverage1m} at end; ` +
      `other containers running ${results.load.start.otherContainersRunning} at start, ${results.load.end.otherContainersRunning} at end`,
  ].join('\n');
}

export function renderSummary(results: BenchResults): string {
  const targets = results.experiments.flatMap((e) => e.targets);
  const failed = results.experiments.filter((e) => e.error).map((e) => e.id);
  const parts = [];
  if (targets.length) parts.push(`## Targets\n\n${targetsTable(targets)}`);
  if (results.machine.runtime.standIn) parts.push(`Note: ${results.machine.runtime.note}`);
  if (results.cleanup.leaked.length)
    parts.push(`Cleanup had to remove (leaks): ${results.cleanup.leaked.join(', ')}`);
  if (results.cleanup.spareNetworks.length)
    parts.push(
      `Removed at the end, by design: ${results.cleanup.spareNetworks.length} spare network(s) the launches keep ready`,
    );
  if (results.cleanup.errors.length) parts.push(`Cleanup errors: ${results.cleanup.errors.join('; ')}`);
  parts.push(
    failed.length ? `FAILED experiments: ${failed.join(', ')}` : 'All measured operations succeeded.',
  );
  return parts.join('\n\n');
}

export async function writeResults(path: string, results: BenchResults): Promise<void> {
  const text = await format(JSON.stringify(results), { parser: 'json', printWidth: 110 });
  await writeFile(path, text);
}
