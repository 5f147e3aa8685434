/**
 * SIGTERM and SIGINT (a cancelled job, Ctrl-C) as an AbortSignal, so that a launch under way
 * removes what it created. Shared by every face.
 */

export interface SignalAbort {
  readonly signal: AbortSignal;
  /** Stops listening (the default signal behaviour applies again). */
  dispose(): void;
}

const CANCEL_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Calls `handler` on each cancel signal (instead of the default of exiting) until the returned
 * function is called.
 */
export function onCancelSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of CANCEL_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of CANCEL_SIGNALS) process.off(signal, handler);
  };
}

export function abortOnSignals(onSignal: (signal: NodeJS.Signals) => void = () => {}): SignalAbort {
  const controller = new AbortController();
  const dispose = onCancelSignals((signal) => {
    onSignal(signal);
    if (!controller.signal.aborted) controller.abort(new Error(`interrupted by ${signal}`));
  });
  return { signal: controller.signal, dispose };
}

/** Runs `work` with an AbortSignal that the cancel signals trigger, listening only meanwhile. */
export async function withSignals<T>(
  work: (signal: AbortSignal) => Promise<T>,
  onSignal?: (signal: NodeJS.Signals) => void,
): Promise<T> {
  const cancel = abortOnSignals(onSignal);
  try {
    return await work(cancel.signal);
  } finally {
    cancel.dispose();
  }
}

/**
 * Runs `work` to its end whatever the cancel signals: they are only reported. For work that must
 * finish once started (removing a job's resources), where stopping halfway would leak them.
 */
export async function despiteSignals<T>(
  work: () => Promise<T>,
  onSignal: (signal: NodeJS.Signals) => void,
): Promise<T> {
  return withSignals(() => work(), onSignal);
}
