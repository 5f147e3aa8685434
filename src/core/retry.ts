/**
 * The one retry/poll loop: an attempt is repeated with growing pauses until it succeeds, fails with
 * an error that is not worth retrying, the time budget runs out, or the signal aborts. Time comes
 * from an injectable clock, so every wait in the product is testable without sleeping.
 */
import type { Clock } from '../ports.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface RetryOptions {
  /** The whole budget, attempts and pauses together. */
  readonly timeoutMs: number;
  /** First pause; default 50 ms. */
  readonly initialDelayMs?: number;
  /** Longest pause; default 500 ms. */
  readonly maxDelayMs?: number;
  /** Growth of the pause after each failure; default 1.5 (1 keeps it constant). */
  readonly factor?: number;
  /** Whether a failure is worth another attempt; default every failure is. Others are rethrown as is. */
  readonly shouldRetry?: (error: unknown) => boolean;
  /** Called after each retried failure; an error it throws ends the loop and is thrown as is. */
  readonly afterFailure?: (error: unknown, attempt: number) => void | Promise<void>;
  /** The least time worth giving one more attempt; default 0. */
  readonly minAttemptMs?: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

export interface RetryOutcome<T> {
  readonly value: T;
  readonly attempts: number;
  readonly elapsedMs: number;
}

/** The budget ran out; the last attempt's error is the cause. */
export class RetryTimeout extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(
      `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${elapsedMs} ms: ` +
        (lastError instanceof Error ? lastError.message : String(lastError)),
      { cause: lastError },
    );
  }
}

/** Runs attempt until it resolves; see RetryOptions. remainingMs bounds what one attempt may take. */
export async function retry<T>(
  attempt: (context: { attempt: number; remainingMs: number }) => Promise<T>,
  options: RetryOptions,
): Promise<RetryOutcome<T>> {
  const clock = options.clock ?? systemClock;
  const maxDelayMs = options.maxDelayMs ?? 500;
  const minAttemptMs = options.minAttemptMs ?? 0;
  const start = clock.now();
  const deadline = start + options.timeoutMs;
  let delay = Math.min(options.initialDelayMs ?? 50, maxDelayMs);
  for (let attempts = 1; ; attempts++) {
    options.signal?.throwIfAborted();
    try {
      const remainingMs = Math.max(minAttemptMs, deadline - clock.now());
      return {
        value: await attempt({ attempt: attempts, remainingMs }),
        attempts,
        elapsedMs: clock.now() - start,
      };
    } catch (error) {
      options.signal?.throwIfAborted();
      if (options.shouldRetry && !options.shouldRetry(error)) throw error;
      await options.afterFailure?.(error, attempts);
      const remaining = deadline - clock.now();
      if (remaining <= minAttemptMs) throw new RetryTimeout(error, attempts, clock.now() - start);
      await clock.sleep(Math.min(delay, remaining - minAttemptMs), options.signal);
      delay = Math.min(delay * (options.factor ?? 1.5), maxDelayMs);
    }
  }
}
