/**
 * Talks to a session's inner Docker daemon over mutual TLS (readiness pings and the few API calls
 * teardown and the cache budget need), with Node's own https client: every launch and every post
 * step loads this, and a second HTTP stack would cost each of them memory and start-up time.
 *
 * Every call uses its own agent pinned to the session's CA and client certificate and destroys it
 * before returning, so no keep-alive socket outlives the call and the process exits promptly.
 */
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { SystemError } from '../core/errors.js';

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

const DEFAULT_PING_TIMEOUT_MS = 5_000;
const DEFAULT_WAIT_TIMEOUT_MS = 60_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const BACKOFF_FACTOR = 1.5;
/** The least time an attempt of waitForDaemon is given (a local TLS handshake takes a few ms). */
const MIN_ATTEMPT_MS = 100;
/** Responses from the inner daemon larger than this are refused (the API answers are small JSON). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** GET /_ping then /version over mutual TLS; throws a SystemError on refusal, timeout or TLS failure. */
export async function pingDaemon(
  address: DaemonAddress,
  tls: TlsClientFiles,
  options: PingOptions = {},
): Promise<PingResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
  return withAgent(address, tls, timeoutMs, options.signal, async (call) => {
    const ping = await call('GET', '/_ping', undefined);
    if (ping.status !== 200 || ping.text.trim() !== 'OK') {
      throw new Error(`/_ping answered HTTP ${ping.status}: ${summarize(ping.text)}`);
    }
    const version = await call('GET', '/version', undefined);
    if (version.status !== 200) {
      throw new Error(`/version answered HTTP ${version.status}: ${summarize(version.text)}`);
    }
    const info = parseJson(version.text, '/version') as { Version?: unknown; ApiVersion?: unknown } | null;
    const headerApi = ping.headers['api-version'];
    return {
      apiVersion: typeof headerApi === 'string' ? headerApi : stringOrUndefined(info?.ApiVersion),
      serverVersion: stringOrUndefined(info?.Version),
    };
  });
}

/**
 * Polls pingDaemon until it answers: pauses start at initialDelayMs and grow by 1.5 up to
 * maxDelayMs, all bounded by timeoutMs. After each failure calls stillAlive (its error ends the
 * wait). On timeout throws a SystemError that includes the last attempt's error.
 */
export async function waitForDaemon(
  address: DaemonAddress,
  tls: TlsClientFiles,
  options: WaitForDaemonOptions = {},
): Promise<WaitForDaemonResult> {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const maxDelayMs = options.maxDelayMs ?? 500;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
  const start = clock();
  const deadline = start + timeoutMs;
  let delay = Math.min(options.initialDelayMs ?? 50, maxDelayMs);
  let attempts = 0;
  let lastError: unknown;

  for (;;) {
    throwIfAborted(options.signal, address);
    attempts += 1;
    const left = deadline - clock();
    try {
      const result = await pingDaemon(address, tls, {
        timeoutMs: Math.max(MIN_ATTEMPT_MS, Math.min(attemptTimeoutMs, left)),
        signal: options.signal,
      });
      return { ...result, attempts, elapsedMs: clock() - start };
    } catch (error) {
      lastError = error;
    }
    throwIfAborted(options.signal, address);
    await options.stillAlive?.();
    const remaining = deadline - clock();
    // Stop when too little time is left for a useful attempt, so the error reported is the last
    // real one rather than a timeout of an attempt that never had a chance.
    if (remaining <= MIN_ATTEMPT_MS) {
      throw new SystemError(
        `the Docker daemon at ${describeAddress(address)} did not answer within ${timeoutMs} ms ` +
          `(${attempts} attempt${attempts === 1 ? '' : 's'}); last error: ${messageOf(lastError)}`,
        { cause: lastError },
      );
    }
    await sleep(Math.min(delay, remaining - MIN_ATTEMPT_MS), options.signal);
    delay = Math.min(delay * BACKOFF_FACTOR, maxDelayMs);
  }
}

/**
 * A JSON request to the inner daemon's API over the session's mutual TLS, e.g. GET /system/df,
 * POST /build/prune?keep-storage=N. Non-2xx answers throw a SystemError with the daemon's message.
 * An empty body resolves to undefined.
 */
export async function innerDaemonRequest<T>(
  address: DaemonAddress,
  tls: TlsClientFiles,
  method: 'GET' | 'POST',
  path: string,
  options: InnerRequestOptions = {},
): Promise<T> {
  if (!path.startsWith('/')) throw new SystemError(`inner daemon API path must start with "/": ${path}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return withAgent(address, tls, timeoutMs, options.signal, async (call) => {
    const response = await call(method, path, options.body);
    if (response.status < 200 || response.status >= 300) {
      const parsed = tryParseJson(response.text) as { message?: unknown } | undefined;
      const detail = typeof parsed?.message === 'string' ? parsed.message : summarize(response.text);
      throw new Error(`${method} ${path} answered HTTP ${response.status}: ${detail}`);
    }
    if (response.text.trim() === '') return undefined as T;
    return parseJson(response.text, `${method} ${path}`) as T;
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

type Call = (method: 'GET' | 'POST', path: string, body: unknown) => Promise<Answer>;

/**
 * Runs `work` with a one-off mTLS agent for `address`, bounded by `timeoutMs` and `signal`, and
 * destroys the agent afterwards. Any failure becomes a SystemError naming the address.
 */
async function withAgent<R>(
  address: DaemonAddress,
  tls: TlsClientFiles,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  work: (call: Call) => Promise<R>,
): Promise<R> {
  const origin = originOf(address);
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const agent = new Agent({
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    rejectUnauthorized: true,
    keepAlive: false,
    maxSockets: 1,
  });
  const call: Call = (method, path, body) =>
    new Promise<Answer>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const outgoing = request(
        {
          host: address.host,
          port: address.port,
          method,
          path,
          agent,
          signal: combined,
          timeout: timeoutMs,
          // SNI and the certificate check use `servername` when given, else the host; an IP address
          // is checked against the IP SANs and sent as no SNI at all (SNI carries host names only).
          ...serverNameOption(address),
          headers:
            payload === undefined
              ? { accept: 'application/json' }
              : { accept: 'application/json', 'content-type': 'application/json' },
        },
        (response: IncomingMessage) => {
          readLimited(response).then(
            (text) => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
            reject,
          );
        },
      );
      outgoing.on('timeout', () =>
        outgoing.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  try {
    return await work(call);
  } catch (error) {
    if (signal?.aborted) {
      throw new SystemError(`request to the Docker daemon at ${origin} was cancelled`, { cause: error });
    }
    if (timeout.aborted && isAbortOrTimeout(error, timeout)) {
      throw new DaemonCallError(
        `the Docker daemon at ${origin} did not answer within ${timeoutMs} ms`,
        `no answer within ${timeoutMs} ms`,
        error,
      );
    }
    const detail = messageOf(error);
    throw new DaemonCallError(`the Docker daemon at ${origin} failed: ${detail}`, detail, error);
  } finally {
    agent.destroy();
  }
}

/** Whether `error` is the abort caused by `timeout` (or a timeout of undici's own), not a real failure. */
function isAbortOrTimeout(error: unknown, timeout: AbortSignal): boolean {
  if (error === timeout.reason) return true;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'AbortError' || name === 'TimeoutError' || code === 'ABORT_ERR';
}

/** A failed call to the daemon; `detail` is the message without the address, for waitForDaemon. */
class DaemonCallError extends SystemError {
  readonly detail: string;

  constructor(message: string, detail: string, cause: unknown) {
    super(message, { cause, hint: hintFor(cause) });
    this.detail = detail;
  }
}

/** What a TLS-level failure most likely means for a secure-dind session. */
function hintFor(error: unknown): string | undefined {
  const codes: string[] = [];
  const messages: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    messages.push(current.message);
    current = (current as { cause?: unknown }).cause;
  }
  const text = messages.join(' ');
  if (codes.includes('ECONNRESET') || /alert (bad|unknown|certificate)|socket hang up/i.test(text)) {
    return "The daemon closed the TLS connection: it may not accept this client certificate (a different session's certificates?).";
  }
  if (codes.some((code) => code.startsWith('ERR_TLS_CERT') || /CERT|SIGNATURE|ISSUER/.test(code))) {
    return "The daemon's certificate is not one this session's CA issued for this address.";
  }
  return undefined;
}

async function readLimited(body: AsyncIterable<Buffer | Uint8Array | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error(`response larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function serverNameOption(address: DaemonAddress): { servername?: string } {
  const name = address.servername ?? address.host;
  return isIP(name) === 0 ? { servername: name } : {};
}

function originOf(address: DaemonAddress): string {
  const host = isIP(address.host) === 6 ? `[${address.host}]` : address.host;
  return `https://${host}:${address.port}`;
}

function describeAddress(address: DaemonAddress): string {
  return originOf(address);
}

function throwIfAborted(signal: AbortSignal | undefined, address: DaemonAddress): void {
  if (signal?.aborted) {
    throw new SystemError(`waiting for the Docker daemon at ${describeAddress(address)} was cancelled`, {
      cause: signal.reason,
    });
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${what} answered invalid JSON: ${summarize(text)}`, { cause: error });
  }
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function summarize(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty body)';
}

/** An error's message with its code, followed by those of its causes. */
function messageOf(error: unknown): string {
  if (error instanceof DaemonCallError) return error.detail;
  if (!(error instanceof Error)) return String(error);
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    const message = current.message;
    if (!parts.some((part) => part.includes(message))) {
      parts.push(typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}
