import type { EnginePort } from '../ports.js';
import type { JobContext } from './job.js';
/** Label on a plain service container: its hostnames joined with "-" (the log prefix). */
export declare const SERVICE_NAME_LABEL = "dev.secure-dind.gitlab.service";
export declare function debugServicesEnabled(variables: Readonly<Record<string, string>>): boolean;
/** Splits chunks into lines and prefixes each; a partial last line waits for its end. */
export declare function linePrefixer(prefix: string, write: (text: string) => void): {
    push(chunk: Buffer): void;
    flush(): void;
};
/**
 * Streams the output of the job's plain services from `since` to `out` until the returned stop
 * function is called (it resolves once the streams are closed). A no-op unless the job asked.
 */
export declare function streamServiceLogs(engine: EnginePort, context: JobContext, since: Date, out: NodeJS.WritableStream): Promise<() => Promise<void>>;
