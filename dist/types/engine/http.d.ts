/** PEM contents (not paths) of the client side of a session's certificates. */
export interface TlsClientFiles {
    ca: string;
    cert: string;
    key: string;
}
export interface DaemonAddress {
    host: string;
    port: number;
    /** Name to verify the server certificate against (and send as SNI) when host is an address. */
    servername?: string;
}
/** What a successful ping learned about the daemon. */
export interface PingResult {
    /** The daemon's API version (the Api-Version header of /_ping, else ApiVersion of /version). */
    apiVersion: string | undefined;
    /** The daemon's engine version (Version of /version). */
    serverVersion: string | undefined;
}
export interface PingOptions {
    /** Bound on the whole ping (connect, TLS, /_ping and /version). Default 5000 ms. */
    timeoutMs?: number;
    signal?: AbortSignal;
}
export interface WaitForDaemonOptions {
    /** Give up after this long. Default 60 000 ms. */
    timeoutMs?: number;
    /** First pause between attempts. Default 50 ms. */
    initialDelayMs?: number;
    /** Longest pause between attempts (the pause grows by 1.5 each time). Default 500 ms. */
    maxDelayMs?: number;
    /** Bound on one attempt. Default 5000 ms; never more than the time left, never under 100 ms. */
    attemptTimeoutMs?: number;
    /**
     * Called after each failed attempt, e.g. "is the container still running?". When it throws,
     * waiting stops and its error is thrown as is.
     */
    stillAlive?: () => void | Promise<void>;
    signal?: AbortSignal;
    /** Milliseconds clock (default Date.now); for tests. */
    clock?: () => number;
    /** Pause (default a timer that an abort of `signal` cuts short); for tests. */
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}
export interface WaitForDaemonResult extends PingResult {
    attempts: number;
    elapsedMs: number;
}
export interface InnerRequestOptions {
    /** Default 30 000 ms. */
    timeoutMs?: number;
    signal?: AbortSignal;
    /** Sent as JSON. */
    body?: unknown;
}
/** GET /_ping then /version over mutual TLS; throws a SystemError on refusal, timeout or TLS failure. */
export declare function pingDaemon(address: DaemonAddress, tls: TlsClientFiles, options?: PingOptions): Promise<PingResult>;
/**
 * Polls pingDaemon until it answers: pauses start at initialDelayMs and grow by 1.5 up to
 * maxDelayMs, all bounded by timeoutMs. After each failure calls stillAlive (its error ends the
 * wait). On timeout throws a SystemError that includes the last attempt's error.
 */
export declare function waitForDaemon(address: DaemonAddress, tls: TlsClientFiles, options?: WaitForDaemonOptions): Promise<WaitForDaemonResult>;
/**
 * A JSON request to the inner daemon's API over the session's mutual TLS, e.g. GET /system/df,
 * POST /build/prune?keep-storage=N. Non-2xx answers throw a SystemError with the daemon's message.
 * An empty body resolves to undefined.
 */
export declare function innerDaemonRequest<T>(address: DaemonAddress, tls: TlsClientFiles, method: 'GET' | 'POST', path: string, options?: InnerRequestOptions): Promise<T>;
