/** Doctor: gathers the host's facts once, runs the checks table on them, and renders the results. */
import type { Check, CheckStatus } from './checks.js';
import { gatherHostFacts } from './facts.js';
import { evaluateHost } from './host-checks.js';
import type { HostEdges } from './host.js';

export async function diagnoseHost(edges: HostEdges, runtimeName: string): Promise<Check[]> {
  return evaluateHost(await gatherHostFacts(edges, runtimeName));
}

/** A plain-text table: status, check, detail, and the fix on its own line. */
export function renderChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.title.length));
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${check.status.toUpperCase().padEnd(4)}  ${check.title.padEnd(width)}  ${check.detail}`);
    if (check.fix && check.status !== 'pass') lines.push(`${' '.repeat(6 + width)}  fix: ${check.fix}`);
  }
  const worst = worstStatus(checks);
  const counts = (['pass', 'warn', 'fail'] as const).map(
    (s) => `${checks.filter((c) => c.status === s).length} ${s}`,
  );
  lines.push('', `${worst === 'fail' ? 'NOT READY' : 'READY'}: ${counts.join(', ')}`);
  return lines.join('\n') + '\n';
}

export function worstStatus(checks: readonly Check[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warn')) return 'warn';
  return 'pass';
}
