/** The job summary's Markdown. Pure: plain data in, text out. */
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
  readonly cacheSlot: number;
  readonly cacheVolume: string;
  /** Bytes the inner daemon's images and build cache take, when it was cheap to learn. */
  readonly cacheBytes: number | undefined;
  readonly timings: Readonly<Partial<Record<LaunchPhase, number>>>;
  readonly totalMilliseconds: number;
  readonly context: string | undefined;
}

export function launchSummary(s: LaunchSummary): string {
  const cache = s.cache
    ? `${s.cacheHit ? 'warm (reused)' : 'cold (new)'}, slot ${s.cacheSlot} of key ${code(s.cacheKey)}`
    : 'off (scratch volume, removed at the end of the job)';
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
