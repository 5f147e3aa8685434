/**
 * The session core's way to the host engine: faces and commands get an engine port from here and
 * never import the adapter themselves.
 */
import { DockerEngine, connectDaemonOverTls } from '../engine/docker.js';
import {
  DEFAULT_ENGINE_HOST,
  type DaemonAddress,
  type EnginePort,
  type Logger,
  type TlsClientFiles,
} from '../ports.js';

export function connectHostEngine(host: string = DEFAULT_ENGINE_HOST, log?: Logger): EnginePort {
  return new DockerEngine(host, log);
}

/** How the session core reaches a job's daemon (injectable, so that tests run on a double). */
export type ConnectDaemon = (
  address: DaemonAddress,
  tls: TlsClientFiles,
  options?: { timeoutMs?: number; log?: Logger },
) => EnginePort;

/**
 * A job's daemon, over the session's mutual TLS, through the same port as the host engine.
 * timeoutMs bounds each call (readiness gives every attempt a short one).
 */
export const connectJobDaemon: ConnectDaemon = (address, tls, options) =>
  connectDaemonOverTls(address, tls, options);
