import type { SessionConfig } from '../core/config.js';
import type { DaemonAddress, TlsClientFiles } from '../ports.js';
import type { Logger } from '../session/types.js';
import type { ListenMode } from './options.js';
export interface SidecarSettings {
    readonly listen: ListenMode;
    readonly clientUid: number;
    readonly certDir: string;
    readonly cacheDir: string;
    /** The pod IP, put in the server certificate when the daemon listens on it. */
    readonly podIp: string | undefined;
    /** Private to the DinD container; a setting only so tests can run the sidecar elsewhere. */
    readonly privateDir: string;
}
export declare function parseSidecarSettings(env: NodeJS.ProcessEnv): SidecarSettings;
/** How the probes and hooks reach the daemon from inside the pod. */
export declare const LOCAL_DAEMON: DaemonAddress;
export declare function readClientFiles(certDir: string): Promise<TlsClientFiles>;
/** `sidecar probe`: one mTLS ping, as the startup and readiness probes run it. */
export declare function probeDaemon(settings: SidecarSettings): Promise<string>;
/** `sidecar prestop` (and SIGTERM when no hook ran): the cache budget, while dockerd still runs. */
export declare function applyCacheBudget(config: SessionConfig, settings: SidecarSettings, log: Logger): Promise<void>;
/**
 * Runs until `stop` aborts (SIGTERM) or dockerd ends by itself. Resolves with the exit status:
 * 0 after a graceful stop, 1 when dockerd ended on its own or was killed.
 */
export declare function runSidecar(config: SessionConfig, settings: SidecarSettings, log: Logger, stop: AbortSignal): Promise<number>;
