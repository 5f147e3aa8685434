/**
 * The one place that maps where an engine listens (and, for a job's daemon, the session's TLS
 * files) to a dockerode client.
 */
import Docker from 'dockerode';
import { Agent } from 'node:https';
import type { DaemonAddress, TlsClientFiles } from '../ports.js';
export interface EngineClient {
    readonly docker: Docker;
    /** The client's own agent, destroyed on close (the host engine's socket client has none). */
    readonly agent?: Agent;
}
/** unix:///path or tcp://host:port (plain: the host engine is reached as the runner host has it). */
export declare function hostEngineClient(host: string): EngineClient;
/**
 * A job's daemon over mutual TLS: one agent pinned to the session's CA and client certificate (and
 * to the name "docker" when the address is an IP the certificate may not name). timeoutMs bounds
 * each call's idle time.
 */
export declare function jobDaemonClient(address: DaemonAddress, tls: TlsClientFiles, timeoutMs?: number): EngineClient;
