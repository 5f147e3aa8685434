/** Doctor: gathers the host's facts once, runs the checks table on them, and renders the results. */
import type { Check, CheckStatus } from './checks.js';
import type { HostEdges } from './host.js';
export declare function diagnoseHost(edges: HostEdges, runtimeName: string): Promise<Check[]>;
/** A plain-text table: status, check, detail, and the fix on its own line. */
export declare function renderChecks(checks: readonly Check[]): string;
export declare function worstStatus(checks: readonly Check[]): CheckStatus;
