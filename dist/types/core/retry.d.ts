/**
 * The one retry/poll loop: an attempt is repeated with growing pauses until it succeeds, fails with
 * an error that is not worth retrying, the time budget runs out, or the signal aborts. Time comes
 * from an injectable clock, so every wait in the product is testable without sleeping.
 */
import type { Clock } from '../ports.js';
export declare const systemClock: Clock;
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
export declare class RetryTimeout extends Error {
    readonly lastError: unknown;
    readonly attempts: number;
    readonly elapsedMs: number;
    constructor(lastError: unknown, attempts: number, elapsedMs: number);
}
/** Runs attempt until it resolves; see RetryOptions. remainingMs bounds what one attempt may take. */
export declare function retry<T>(attempt: (context: {
    attempt: number;
    remainingMs: number;
}) => Promise<T>, options: RetryOptions): Promise<RetryOutcome<T>>;
