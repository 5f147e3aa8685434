import type { Clock, Logger } from '../ports.js';
import { type Check } from './checks.js';
import type { HostEdges, RuntimeEdges } from './host.js';
import { type InstallPlan, type InstallRequest } from './plan.js';
export declare const DEFAULT_SMOKE_IMAGE = "busybox:latest";
/** Carries out the steps in order; the first failure stops it. */
export declare function executePlan(plan: InstallPlan, edges: Pick<RuntimeEdges, 'runner' | 'files' | 'downloader'>, log?: Logger): Promise<void>;
export interface VerifyOptions {
    readonly runtime: string;
    readonly smokeImage: string;
    /** How long to wait for the engine to list the runtime (the installer reloads Docker). */
    readonly waitMs?: number | undefined;
    readonly clock?: Clock | undefined;
}
/** What an install should have produced: units active, the runtime registered, a user-namespaced container. */
export declare function verifyInstall(edges: HostEdges, options: VerifyOptions): Promise<Check[]>;
export interface BootstrapOutcome {
    readonly plan: InstallPlan;
    /** Empty on a dry run. */
    readonly verification: readonly Check[];
}
export interface BootstrapOptions extends InstallRequest {
    readonly runtime?: string;
    readonly smokeImage?: string | undefined;
    readonly dryRun?: boolean;
    readonly log?: Logger;
    readonly verifyWaitMs?: number;
    readonly clock?: Clock;
}
/**
 * The whole bootstrap: facts, plan, (a dry run stops here) steps, verification. Throws a
 * SystemError when the plan refuses, or a step or the verification fails.
 */
export declare function bootstrapSysbox(edges: RuntimeEdges, options?: BootstrapOptions): Promise<BootstrapOutcome>;
