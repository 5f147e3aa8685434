import { type DaemonAddress, type EnginePort, type Logger, type TlsClientFiles } from '../ports.js';
export declare function connectHostEngine(host?: string, log?: Logger): EnginePort;
/** How the session core reaches a job's daemon (injectable, so that tests run on a double). */
export type ConnectDaemon = (address: DaemonAddress, tls: TlsClientFiles, options?: {
    timeoutMs?: number;
    log?: Logger;
}) => EnginePort;
/**
 * A job's daemon, over the session's mutual TLS, through the same port as the host engine.
 * timeoutMs bounds each call (readiness gives every attempt a short one).
 */
export declare const connectJobDaemon: ConnectDaemon;
