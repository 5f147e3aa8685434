import type { ContainerSummary, EnginePort, Logger, NetworkInfo, VolumeInfo } from '../ports.js';
/** What a cleanup removed and the problems it met: a failed step is a warning, never an exception. */
export declare class SweepReport {
    private readonly log;
    /** Names the cleanup in log lines, e.g. "teardown". */
    private readonly name;
    readonly removed: string[];
    readonly warnings: string[];
    constructor(log: Logger | undefined, 
    /** Names the cleanup in log lines, e.g. "teardown". */
    name: string);
    step(what: string, action: () => Promise<void>): Promise<void>;
}
export interface SweepOptions {
    /** Order in which containers are ended (default: as the engine lists them). */
    readonly containerOrder?: (a: ContainerSummary, b: ContainerSummary) => number;
    /**
     * Ends a container before the sweep removes it (a graceful stop). Returning false means it took
     * the container's removal on itself.
     */
    readonly endContainer?: (container: ContainerSummary) => Promise<boolean>;
    /** Networks to remove besides the labelled ones (a leased spare carries no session label). */
    readonly moreNetworks?: readonly string[];
    /** Called after a network's removal (or after finding it gone). */
    readonly afterNetwork?: (name: string, network: NetworkInfo | undefined) => Promise<void>;
}
/** Volumes a sweep removes: every labelled one but the cache volumes, which the budgets govern. */
export declare function sweptVolumes(engine: EnginePort, labels: Record<string, string>): Promise<VolumeInfo[]>;
/** Removes the containers, then the networks, then the volumes that carry all of `labels`. */
export declare function sweepByLabel(engine: EnginePort, labels: Record<string, string>, report: SweepReport, options?: SweepOptions): Promise<void>;
