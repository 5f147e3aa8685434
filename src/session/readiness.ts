/**
 * The readiness step: the daemon is ready when it answers a version request over the session's
 * mutual TLS. A daemon that stopped, or never answered, is reported with its last log lines.
 */
import { SystemError } from '../core/errors.js';
import { RetryTimeout, retry } from '../core/retry.js';
import type { Clock, DaemonAddress, EnginePort, EngineVersion, TlsClientFiles } from '../ports.js';
import type { ConnectDaemon } from './engine.js';

/** The longest one attempt may take: a local TLS handshake takes a few milliseconds. */
const ATTEMPT_TIMEOUT_MS = 5_000;
/** The least time worth one more attempt. */
const MIN_ATTEMPT_MS = 100;
/** How long the cache check after readiness may take. */
const INFO_TIMEOUT_MS = 10_000;

export interface JobDaemon {
  readonly address: DaemonAddress;
  readonly tls: TlsClientFiles;
  /** Its container on the host engine. */
  readonly containerId: string;
  readonly containerName: string;
}

export interface ReadinessOptions {
  readonly timeoutMs: number;
  readonly connectDaemon: ConnectDaemon;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
}

/**
 * Waits until the daemon at address answers over mutual TLS; returns its version. After each
 * failed attempt stillAlive may end the wait by throwing (its error is thrown as is).
 */
export async function waitUntilAnswering(
  daemon: Pick<JobDaemon, 'address' | 'tls'>,
  options: ReadinessOptions & { readonly stillAlive?: () => Promise<void> },
): Promise<EngineVersion> {
  const { value } = await retry(
    ({ remainingMs }) => askVersion(daemon, Math.min(ATTEMPT_TIMEOUT_MS, remainingMs), options),
    {
      timeoutMs: options.timeoutMs,
      minAttemptMs: MIN_ATTEMPT_MS,
      signal: options.signal,
      clock: options.clock,
      afterFailure: options.stillAlive,
    },
  ).catch((error: unknown) => {
    if (!(error instanceof RetryTimeout)) throw error;
    throw new SystemError(failureMessage(error, daemon.address, options.timeoutMs), { cause: error });
  });
  return value;
}

/** Waits until the session's daemon answers; a stopped or silent one is reported with its log. */
export async function waitUntilReady(
  engine: EnginePort,
  daemon: JobDaemon,
  options: ReadinessOptions,
): Promise<EngineVersion> {
  let containerStopped = false;
  try {
    return await waitUntilAnswering(daemon, {
      ...options,
      stillAlive: async () => {
        const container = await engine.inspectContainer(daemon.containerId);
        if (container?.running) return;
        containerStopped = true;
        throw new SystemError(
          `the DinD container ${daemon.containerName} stopped during startup (exit code ${container?.exitCode ?? 'unknown'})` +
            (await lastLogLines(engine, daemon.containerId)),
        );
      },
    });
  } catch (error) {
    // A stopped daemon's error has its log already; a cancelled wait needs none.
    if (containerStopped || options.signal?.aborted) throw error;
    throw new SystemError(`${(error as Error).message}${await lastLogLines(engine, daemon.containerId)}`, {
      cause: error,
    });
  }
}

/** One attempt, on a client of its own bounded by the attempt's time; an abort ends it at once. */
async function askVersion(
  daemon: Pick<JobDaemon, 'address' | 'tls'>,
  timeoutMs: number,
  options: ReadinessOptions,
): Promise<EngineVersion> {
  const client = options.connectDaemon(daemon.address, daemon.tls, { timeoutMs });
  const close = () => client.close();
  options.signal?.addEventListener('abort', close, { once: true });
  try {
    return await client.version();
  } finally {
    options.signal?.removeEventListener('abort', close);
    client.close();
  }
}

function failureMessage(timeout: RetryTimeout, address: DaemonAddress, timeoutMs: number): string {
  const last = timeout.lastError instanceof Error ? timeout.lastError.message : String(timeout.lastError);
  return (
    `the Docker daemon at https://${address.host}:${address.port} did not answer within ${timeoutMs} ms ` +
    `(${timeout.attempts} attempt${timeout.attempts === 1 ? '' : 's'}); last error: ${last}`
  );
}

/** The container's last log lines, as a message suffix (empty when there are none). */
async function lastLogLines(engine: EnginePort, containerId: string): Promise<string> {
  const logs = await engine.containerLogs(containerId, 30).catch(() => '');
  return logs.trim() ? `; last log lines:\n${logs.trimEnd()}` : '';
}

/**
 * Whether the daemon starts with images from an earlier session (a failed answer counts as no):
 * warm means a daemon left something to reuse, not merely that the volume existed.
 */
export async function holdsImages(daemon: JobDaemon, connectDaemon: ConnectDaemon): Promise<boolean> {
  const client = connectDaemon(daemon.address, daemon.tls, { timeoutMs: INFO_TIMEOUT_MS });
  try {
    return Number((await client.info()).Images ?? 0) > 0;
  } catch {
    return false;
  } finally {
    client.close();
  }
}
