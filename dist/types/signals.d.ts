/**
 * SIGTERM and SIGINT (a cancelled job, Ctrl-C) as an AbortSignal, so that a launch under way
 * removes what it created. Shared by every face.
 */
export interface SignalAbort {
    readonly signal: AbortSignal;
    /** Stops listening (the default signal behaviour applies again). */
    dispose(): void;
}
/**
 * Calls `handler` on each cancel signal (instead of the default of exiting) until the returned
 * function is called.
 */
export declare function onCancelSignals(handler: (signal: NodeJS.Signals) => void): () => void;
export declare function abortOnSignals(onSignal?: (signal: NodeJS.Signals) => void): SignalAbort;
/** Runs `work` with an AbortSignal that the cancel signals trigger, listening only meanwhile. */
export declare function withSignals<T>(work: (signal: AbortSignal) => Promise<T>, onSignal?: (signal: NodeJS.Signals) => void): Promise<T>;
/**
 * Runs `work` to its end whatever the cancel signals: they are only reported. For work that must
 * finish once started (removing a job's resources), where stopping halfway would leak them.
 */
export declare function despiteSignals<T>(work: () => Promise<T>, onSignal: (signal: NodeJS.Signals) => void): Promise<T>;
