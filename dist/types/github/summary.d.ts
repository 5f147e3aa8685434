import type { LaunchPhase, TeardownReport } from '../session/types.js';
/** Launch phases in the order launch runs them. */
export declare const PHASE_ORDER: readonly LaunchPhase[];
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
export declare function launchSummary(s: LaunchSummary): string;
export declare function launchFailureSummary(message: string, timings: Readonly<Partial<Record<LaunchPhase, number>>>): string;
export declare function teardownSummary(report: TeardownReport, contextRemoved: string | undefined): string;
export declare function seconds(milliseconds: number): string;
