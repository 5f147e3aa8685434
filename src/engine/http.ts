/**
 * The only module that does HTTP: talks to a session's inner Docker daemon over mutual TLS, and
 * downloads runtime packages.
 *
 * Every call builds its own undici Agent pinned to the session's CA and client certificate and
 * destroys it before returning, so no keep-alive socket outlives the call and the process exits
 * promptly.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, interceptors, request } from 'undici';
import { SystemError } from '../core/errors.js';
import type { Downloader } from '../runtime/host.js';

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
    connect: {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: true,
      timeout: timeoutMs,
      // SNI and the certificate check use `servername` when given, else the host; an IP address
      // is checked against the IP SANs and sent as no SNI at all (SNI carries host names only).
      ...serverNameOption(address),
    },
    connections: 1,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const call: Call = async (method, path, body) => {
    const response = await request(`${origin}${path}`, {
      method,
      dispatcher: agent,
      signal: combined,
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.statusCode, headers: response.headers, text: await readLimited(response.body) };
  };
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
    await agent.destroy().catch(() => undefined);
  }
}

/** Whether `error` is the abort caused by `timeout` (or a timeout of undici's own), not a real failure. */
function isAbortOrTimeout(error: unknown, timeout: AbortSignal): boolean {
  if (error === timeout.reason) return true;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return (
    name === 'AbortError' ||
    name === 'TimeoutError' ||
    code === 'UND_ERR_ABORTED' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  );
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
  if (codes.includes('UND_ERR_SOCKET') || /alert (bad|unknown|certificate)/i.test(text)) {
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

/** An error's message with its code, followed by those of its causes (undici nests them). */
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

/*
 * HTTPS downloads with undici: follows redirects (GitHub release assets redirect to a CDN), retries
 * network errors and 5xx/429 answers with exponential backoff, shows progress on a terminal, and
 * computes the sha256 of what it writes. The caller decides what a digest mismatch means.
 */

export interface DownloaderOptions {
  /** Extra trusted CA certificates (PEM), e.g. a proxy's or a test server's. */
  readonly ca?: string | readonly string[];
  /** Attempts in all (first try included); default 4. */
  readonly attempts?: number;
  /** First backoff delay; doubles after each failure. Default 1 s. */
  readonly backoffMs?: number;
  /** Where progress goes; only drawn when it is a terminal. */
  readonly progress?: NodeJS.WritableStream;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly timeoutMs?: number;
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`HTTP ${status} from ${url}`);
  }
}

export function createDownloader(options: DownloaderOptions = {}): Downloader {
  const attempts = Math.max(1, options.attempts ?? 4);
  const backoff = options.backoffMs ?? 1000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const ca =
    options.ca === undefined
      ? undefined
      : Array.isArray(options.ca)
        ? [...options.ca]
        : [options.ca as string];
  const dispatcher = new Agent({
    connect: ca ? { ca: [...(ca as string[])] } : {},
    headersTimeout: options.timeoutMs ?? 60_000,
    bodyTimeout: options.timeoutMs ?? 60_000,
  }).compose(interceptors.redirect({ maxRedirections: 5 }));

  async function once(url: string, destination: string) {
    const response = await request(url, { method: 'GET', dispatcher });
    if (response.statusCode >= 400) {
      await response.body.dump().catch(() => undefined);
      throw new HttpStatusError(response.statusCode, url);
    }
    const total = Number(response.headers['content-length'] ?? NaN);
    const hash = createHash('sha256');
    let bytes = 0;
    const tty =
      options.progress && (options.progress as { isTTY?: boolean }).isTTY ? options.progress : undefined;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        if (tty)
          tty.write(
            `\r  downloaded ${formatBytes(bytes)}${Number.isFinite(total) ? ` of ${formatBytes(total)}` : ''}`,
          );
        callback(null, chunk);
      },
    });
    const partial = `${destination}.part`;
    await mkdir(dirname(destination), { recursive: true });
    try {
      await pipeline(response.body, meter, createWriteStream(partial, { mode: 0o644 }));
      if (Number.isFinite(total) && bytes !== total)
        throw new Error(`short read: ${bytes} of ${total} bytes`);
      await rename(partial, destination);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    } finally {
      if (tty) tty.write('\n');
    }
    return { bytes, sha256: hash.digest('hex') };
  }

  return {
    async download(url, destination) {
      let lastError: unknown;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          return await once(url, destination);
        } catch (error) {
          lastError = error;
          const retryable =
            !(error instanceof HttpStatusError) || error.status >= 500 || error.status === 429;
          if (!retryable || attempt === attempts) break;
          options.progress?.write(`  download attempt ${attempt} failed (${describe(error)}); retrying\n`);
          await sleep(backoff * 2 ** (attempt - 1));
        }
      }
      throw new SystemError(`download of ${url} failed: ${describe(lastError)}`, {
        cause: lastError,
        hint:
          lastError instanceof HttpStatusError
            ? 'check the URL (or --url / SECURE_DIND_SYSBOX_URL) and that this host may reach it'
            : 'check this host can reach the URL (proxy, DNS, firewall); a private CA can be trusted with NODE_EXTRA_CA_CERTS',
      });
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
