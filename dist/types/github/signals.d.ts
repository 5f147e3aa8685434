/** Turns the runner's cancellation signals into an AbortSignal. */
export interface SignalAbort {
    readonly signal: AbortSignal;
    /** Stops listening (the default signal behaviour applies again). */
    dispose(): void;
}
export declare function abortOnSignals(signals: readonly NodeJS.Signals[], onSignal?: (signal: NodeJS.Signals) => void, target?: Pick<NodeJS.Process, 'on' | 'off'>): SignalAbort;
