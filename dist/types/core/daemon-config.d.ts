/**
 * The inner daemon's daemon.json: which keys users may set, and the keys secure-dind owns.
 * dockerd refuses unknown keys at start; refusing them here gives the user the error before
 * anything is created.
 */
/** Keys that would weaken or break the session; secure-dind sets them itself. */
export declare const RESERVED_DAEMON_KEYS: Record<string, string>;
/** dockerd daemon.json keys users may set (Docker Engine 20.10 to 27). */
export declare const ALLOWED_DAEMON_KEYS: Set<string>;
