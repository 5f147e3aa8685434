import type { Clock } from '../ports.js';
import type { Downloader } from './host.js';
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
export declare function createDownloader(options?: DownloaderOptions): Downloader;
