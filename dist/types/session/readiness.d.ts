import type { Clock, DaemonAddress, EnginePort, EngineVersion, TlsClientFiles } from '../ports.js';
import type { ConnectDaemon } from './engine.js';
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
export declare function waitUntilAnswering(daemon: Pick<JobDaemon, 'address' | 'tls'>, options: ReadinessOptions & {
    readonly stillAlive?: () => Promise<void>;
}): Promise<EngineVersion>;
/** Waits until the session's daemon answers; a stopped or silent one is reported with its log. */
export declare function waitUntilReady(engine: EnginePort, daemon: JobDaemon, options: ReadinessOptions): Promise<EngineVersion>;
/**
 * Whether the daemon starts with images from an earlier session (a failed answer counts as no):
 * warm means a daemon left something to reuse, not merely that the volume existed.
 */
export declare function holdsImages(daemon: JobDaemon, connectDaemon: ConnectDaemon): Promise<boolean>;
