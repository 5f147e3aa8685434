import type { Clock } from '../ports.js';
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
export declare function createDownloader(options?: DownloaderOptions): Downloader;
