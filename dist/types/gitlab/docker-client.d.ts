import type { Logger } from '../ports.js';
import type { JobContext } from './job.js';
/** Client environment of the job container for the DinD service reachable as `alias`. */
export declare function dockerClientEnv(alias: string, tlsCertDir: string): Record<string, string>;
/** The session's client certificates at $DOCKER_TLS_CERTDIR/client (readable by the job's user). */
export declare function clientCertsTar(certDir: string, tlsCertDir: string): Promise<Buffer>;
/** Client settings of the job that the session overrides (it serves only mutual TLS). */
export declare function warnAboutClientVariables(context: JobContext, log: Logger): void;
