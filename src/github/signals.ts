/** Turns the runner's cancellation signals into an AbortSignal. */
export interface SignalAbort {
  readonly signal: AbortSignal;
  /** Stops listening (the default signal behaviour applies again). */
  dispose(): void;
}

export function abortOnSignals(
  signals: readonly NodeJS.Signals[],
  onSignal: (signal: NodeJS.Signals) => void = () => {},
  target: Pick<NodeJS.Process, 'on' | 'off'> = process,
): SignalAbort {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    onSignal(signal);
    if (!controller.signal.aborted) controller.abort(new Error(`cancelled by ${signal}`));
  };
  for (const signal of signals) target.on(signal, handler);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const signal of signals) target.off(signal, handler);
    },
  };
}
