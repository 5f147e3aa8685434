/**
 * HTTPS downloads of runtime packages with undici: follows redirects (GitHub release assets
 * redirect to a CDN), retries network errors and 5xx/429 answers with exponential backoff, shows
 * progress on a terminal, and computes the sha256 of what it writes. The caller decides what a
 * digest mismatch means. undici is loaded on the first download only: the Action and the driver
 * create a downloader on every run but download only when they install Sysbox.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SystemError, describeError } from '../core/errors.js';
import { retry } from '../core/retry.js';
import type { Clock } from '../ports.js';
import type * as Undici from 'undici';

export interface DownloadResult {
  readonly bytes: number;
  /** Lower-case hex sha256 of what was written. */
  readonly sha256: string;
}

/** Fetches a URL into a file (a real path), computing its sha256 on the way. */
export interface Downloader {
  download(url: string, destination: string): Promise<DownloadResult>;
}

export interface DownloaderOptions {
  /** Extra trusted CA certificates (PEM), e.g. a proxy's or a test server's. */
  readonly ca?: string | readonly string[];
  /** Attempts in all (first try included); default 4. */
  readonly attempts?: number;
  /** First backoff delay; doubles after each failure. Default 1 s. */
  readonly backoffMs?: number;
  /** Where progress goes; only drawn when it is a terminal. */
  readonly progress?: NodeJS.WritableStream;
  readonly clock?: Clock;
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
  const ca =
    options.ca === undefined
      ? undefined
      : Array.isArray(options.ca)
        ? [...options.ca]
        : [options.ca as string];
  let client: Promise<{ request: typeof Undici.request; dispatcher: Undici.Dispatcher }> | undefined;
  const undici = () =>
    (client ??= import('undici').then(({ Agent, interceptors, request }) => ({
      request,
      dispatcher: new Agent({
        connect: ca ? { ca: [...(ca as string[])] } : {},
        headersTimeout: options.timeoutMs ?? 60_000,
        bodyTimeout: options.timeoutMs ?? 60_000,
      }).compose(interceptors.redirect({ maxRedirections: 5 })),
    })));

  async function once(url: string, destination: string) {
    const { request, dispatcher } = await undici();
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
      try {
        const outcome = await retry(() => once(url, destination), {
          // The attempt count bounds this loop, not a time budget.
          timeoutMs: Infinity,
          initialDelayMs: backoff,
          maxDelayMs: Infinity,
          factor: 2,
          shouldRetry: (error) =>
            !(error instanceof HttpStatusError) || error.status >= 500 || error.status === 429,
          afterFailure: (error, attempt) => {
            if (attempt >= attempts) throw error;
            options.progress?.write(
              `  download attempt ${attempt} failed (${describeError(error, '; ')}); retrying\n`,
            );
          },
          clock: options.clock,
        });
        return outcome.value;
      } catch (lastError) {
        throw new SystemError(`download of ${url} failed: ${describeError(lastError, '; ')}`, {
          cause: lastError,
          hint:
            lastError instanceof HttpStatusError
              ? 'check the URL (or --url / SECURE_DIND_SYSBOX_URL) and that this host may reach it'
              : 'check this host can reach the URL (proxy, DNS, firewall); a private CA can be trusted with NODE_EXTRA_CA_CERTS',
        });
      }
    },
  };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
