/** The job summary's Markdown. Pure: plain data in, text out. */
import type { CacheMode } from '../core/generations.js';
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
export declare function launchSummary(s: LaunchSummary): string;
export declare function launchFailureSummary(message: string, timings: Readonly<Partial<Record<LaunchPhase, number>>>): string;
export declare function teardownSummary(report: TeardownReport, contextRemoved: string | undefined): string;
export declare function seconds(milliseconds: number): string;
