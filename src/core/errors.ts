/**
 * Every error the tool raises carries a kind, so each face maps it to its own convention in one
 * place: a failed step (GitHub), an exit code variable (GitLab), an exit status (CLI).
 */
export type ErrorKind =
  /** The user's input is wrong; nothing was created. */
  | 'bad-input'
  /** The host, engine or runtime failed us (retrying or fixing the host may help). */
  | 'system'
  /** The user's own job failed (a command exited non-zero). */
  | 'job'
  /** What the user named does not exist (nothing was changed). */
  | 'not-found';

export class SecureDindError extends Error {
  readonly kind: ErrorKind;
  /** What the user can do about it, in words. */
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SecureDindError';
    this.kind = kind;
    this.hint = options.hint;
  }
}

/** A setting with an unacceptable value: names the setting, the value and the accepted form. */
export class BadInputError extends SecureDindError {
  readonly setting: string;
  readonly value: string;
  readonly accepted: string;

  constructor(setting: string, value: string, accepted: string) {
    super('bad-input', `invalid ${setting}: ${JSON.stringify(truncate(value, 200))} (expected ${accepted})`);
    this.name = 'BadInputError';
    this.setting = setting;
    this.value = value;
    this.accepted = accepted;
  }
}

export class SystemError extends SecureDindError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super('system', message, options);
    this.name = 'SystemError';
  }
}

/** `down` of an id that no session on this host and engine has (or had, once it is gone). */
export class UnknownSessionError extends SecureDindError {
  constructor(sessionId: string, engineHost: string) {
    super(
      'not-found',
      `no session ${sessionId} on ${engineHost}: no record and no resource carries its label`,
      {
        hint: 'It was torn down already, or it ran on another engine (--engine-host).',
      },
    );
    this.name = 'UnknownSessionError';
  }
}

/** The job's own command failed; carries its exit status. */
export class JobFailure extends SecureDindError {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super('job', message);
    this.name = 'JobFailure';
    this.exitCode = exitCode;
  }
}

/** Kind of any thrown value: ours carry one; anything else is an unexpected system failure. */
export function errorKind(error: unknown): ErrorKind {
  return error instanceof SecureDindError ? error.kind : 'system';
}

/** For a log: the message, the hint when there is one, and the cause's message, one per line (or joined by separator). */
export function describeError(error: unknown, separator = '\n'): string {
  if (!(error instanceof Error)) return String(error);
  const parts = [error.message];
  if (error instanceof SecureDindError && error.hint) parts.push(error.hint);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && !error.message.includes(cause.message)) parts.push(`cause: ${cause.message}`);
  return parts.join(separator);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Thrown by createContainer when the name is taken: the cache slot is leased by someone else. */
export class NameConflict extends Error {}

/** A Docker engine call failed; statusCode is the engine's HTTP status when it answered one. */
export class EngineError extends SystemError {
  readonly statusCode: number | undefined;

  constructor(message: string, options: { cause?: unknown; hint?: string; statusCode?: number } = {}) {
    super(message, options);
    this.name = 'EngineError';
    this.statusCode = options.statusCode;
  }
}
