/** The job summary's Markdown. Pure: plain data in, text out. */
import type { CacheMode } from '../core/generations.js';
import { formatBytes } from '../core/units.js';
import type { LaunchPhase, TeardownReport } from '../session/types.js';

/** Launch phases in the order launch runs them. */
export const PHASE_ORDER: readonly LaunchPhase[] = [
  'preflight',
  'reap',
  'certs',
  'network',
  'container',
  'ready',
];

export interface LaunchSummary {
  readonly dockerHost: string;
  readonly runtime: string;
  /** Sysbox's version when the runtime check learned it (install-runtime: auto). */
  readonly runtimeVersion: string | undefined;
  readonly image: string;
  readonly engineVersion: string;
  readonly innerEngineVersion: string;
  readonly cache: boolean;
  readonly cacheKey: string;
  readonly cacheHit: boolean;
  readonly cacheSlot: number | undefined;
  readonly cacheMode: CacheMode;
  readonly cacheModeReason: string | undefined;
  /** Generations mode: the scope whose latest generation the session started from. */
  readonly cacheFrom: string | undefined;
  /** Generations mode: the scope a successful job commits to. */
  readonly cacheScope: string | undefined;
  readonly cacheVolume: string;
  /** Bytes the inner daemon's images and build cache take, when it was cheap to learn. */
  readonly cacheBytes: number | undefined;
  readonly timings: Readonly<Partial<Record<LaunchPhase, number>>>;
  readonly totalMilliseconds: number;
  readonly context: string | undefined;
}

export function launchSummary(s: LaunchSummary): string {
  const cache = !s.cache
    ? 'off (scratch volume, removed at the end of the job)'
    : s.cacheMode === 'generations'
      ? `${s.cacheHit ? 'warm' : 'cold'}: ${s.cacheFrom === undefined ? 'no committed generation yet' : `clone of the latest generation of ${code(s.cacheFrom)}`}, key ${code(s.cacheKey)}; committed to ${code(s.cacheScope ?? '')} only if the job succeeds`
      : `${s.cacheHit ? 'warm (reused)' : 'cold (new)'}, slot ${s.cacheSlot} of key ${code(s.cacheKey)}`;
  const mode =
    s.cacheMode === 'slots'
      ? `slots: a job's changes stay for the next, whatever its result (${cell(s.cacheModeReason ?? '')})`
      : s.cacheMode === 'generations'
        ? 'generations: copy-on-write clone per job, committed on success'
        : 'off';
  const rows: [string, string][] = [
    ['Docker host', code(s.dockerHost)],
    ['Inner Docker engine', cell(s.innerEngineVersion)],
    ['Host Docker engine', cell(s.engineVersion)],
    [
      'Runtime',
      code(s.runtime) + (s.runtimeVersion === undefined ? '' : ` (Sysbox ${cell(s.runtimeVersion)})`),
    ],
    ['Image', code(s.image)],
    ['Cache', cache],
    ['Cache mode', mode],
    [
      'Cache volume',
      code(s.cacheVolume) + (s.cacheBytes === undefined ? '' : ` (${formatBytes(s.cacheBytes)} in use)`),
    ],
  ];
  if (s.context !== undefined) rows.push(['Docker context', code(s.context)]);
  const phases = PHASE_ORDER.filter((p) => s.timings[p] !== undefined).map(
    (p) => `| ${p} | ${seconds(s.timings[p]!)} |`,
  );
  return [
    '### secure-dind: Docker daemon ready',
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| Phase | Time |',
    '|---|---|',
    ...phases,
    `| **total** | **${seconds(s.totalMilliseconds)}** |`,
    '',
  ].join('\n');
}

export function launchFailureSummary(
  message: string,
  timings: Readonly<Partial<Record<LaunchPhase, number>>>,
): string {
  const done = PHASE_ORDER.filter((p) => timings[p] !== undefined)
    .map((p) => `${p} ${seconds(timings[p]!)}`)
    .join(', ');
  return [
    '### secure-dind: launch failed',
    '',
    '```',
    message.replace(/```/g, "'''"),
    '```',
    '',
    done === '' ? 'No phase completed.' : `Completed phases: ${done}.`,
    '',
  ].join('\n');
}

export function teardownSummary(report: TeardownReport, contextRemoved: string | undefined): string {
  const parts = [`secure-dind: torn down in ${seconds(report.milliseconds)}`];
  if (report.removed.length > 0) parts.push(`removed ${report.removed.length} resource(s)`);
  if (report.kept.length > 0) parts.push(`kept ${report.kept.map(code).join(', ')}`);
  if (report.cache !== undefined) parts.push(`cache ${report.cache}`);
  if (contextRemoved !== undefined) parts.push(`removed docker context ${code(contextRemoved)}`);
  const warnings = report.warnings.length === 0 ? '' : ` (${report.warnings.length} warning(s), see the log)`;
  return `\n${parts.join('; ')}${warnings}.\n`;
}

export function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

function code(text: string): string {
  // Inside a table a code span still needs its pipes escaped; backticks cannot be escaped in one.
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

function cell(text: string): string {
  return text.replace(/[|]/g, '\\|');
}
