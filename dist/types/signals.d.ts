/**
 * SIGTERM and SIGINT (a cancelled job, Ctrl-C) as an AbortSignal, so that a launch under way
 * removes what it created. Shared by every face.
 */
export interface SignalAbort {
    readonly signal: AbortSignal;
    /** Stops listening (the default signal behaviour applies again). */
    dispose(): void;
}
export declare function abortOnSignals(onSignal?: (signal: NodeJS.Signals) => void): SignalAbort;
/** Runs `work` with an AbortSignal that the cancel signals trigger, listening only meanwhile. */
export declare function withSignals<T>(work: (signal: AbortSignal) => Promise<T>, onSignal?: (signal: NodeJS.Signals) => void): Promise<T>;
