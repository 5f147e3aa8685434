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

/**
 * A job's daemon, over the session's mutual TLS, through the same port as the host engine.
 * timeoutMs bounds each call (readiness gives every attempt a short one).
 */
export function connectJobDaemon(
  address: DaemonAddress,
  tls: TlsClientFiles,
  options: { timeoutMs?: number; log?: Logger } = {},
): EnginePort {
  return connectDaemonOverTls(address, tls, options);
}
