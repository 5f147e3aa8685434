export interface CacheLease {
    readonly slot: number;
    /** The slot's directory: the daemon's data-root goes below it. */
    readonly dir: string;
    /** Releases the lock (idempotent). */
    release(): Promise<void>;
}
export declare function slotDir(cacheDir: string, slot: number): string;
/** The first free slot of `slots`, or undefined when all are leased by others. */
export declare function leaseCacheSlot(cacheDir: string, slots: number): Promise<CacheLease | undefined>;
