/**
 * Every error the tool raises carries a kind, so each face maps it to its own convention in one
 * place: a failed step (GitHub), an exit code variable (GitLab), an exit status (CLI).
 */
export type ErrorKind = 
/** The user's input is wrong; nothing was created. */
'bad-input'
/** The host, engine or runtime failed us (retrying or fixing the host may help). */
 | 'system'
/** The user's own job failed (a command exited non-zero). */
 | 'job'
/** What the user named does not exist (nothing was changed). */
 | 'not-found';
export declare class SecureDindError extends Error {
    readonly kind: ErrorKind;
    /** What the user can do about it, in words. */
    readonly hint: string | undefined;
    constructor(kind: ErrorKind, message: string, options?: {
        cause?: unknown;
        hint?: string;
    });
}
/** A setting with an unacceptable value: names the setting, the value and the accepted form. */
export declare class BadInputError extends SecureDindError {
    readonly setting: string;
    readonly value: string;
    readonly accepted: string;
    constructor(setting: string, value: string, accepted: string);
}
export declare class SystemError extends SecureDindError {
    constructor(message: string, options?: {
        cause?: unknown;
        hint?: string;
    });
}
/** `down` of an id that no session on this host and engine has (or had, once it is gone). */
export declare class UnknownSessionError extends SecureDindError {
    constructor(sessionId: string, engineHost: string);
}
/** The job's own command failed; carries its exit status. */
export declare class JobFailure extends SecureDindError {
    readonly exitCode: number;
    constructor(message: string, exitCode: number);
}
/** Kind of any thrown value: ours carry one; anything else is an unexpected system failure. */
export declare function errorKind(error: unknown): ErrorKind;
/** For a log: the message, the hint when there is one, and the cause's message, one per line (or joined by separator). */
export declare function describeError(error: unknown, separator?: string): string;
/** Thrown by createContainer when the name is taken: the cache slot is leased by someone else. */
export declare class NameConflict extends Error {
}
/** A Docker engine call failed; statusCode is the engine's HTTP status when it answered one. */
export declare class EngineError extends SystemError {
    readonly statusCode: number | undefined;
    constructor(message: string, options?: {
        cause?: unknown;
        hint?: string;
        statusCode?: number;
    });
}
