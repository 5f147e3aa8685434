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
export function hostEngineClient(host: string): EngineClient {
  if (host.startsWith('unix://')) return { docker: new Docker({ socketPath: host.slice('unix://'.length) }) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { docker: new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' }) };
}

/**
 * A job's daemon over mutual TLS: one agent pinned to the session's CA and client certificate (and
 * to the name "docker" when the address is an IP the certificate may not name). timeoutMs bounds
 * each call's idle time.
 */
export function jobDaemonClient(
  address: DaemonAddress,
  tls: TlsClientFiles,
  timeoutMs?: number,
): EngineClient {
  const agent = new Agent({
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    keepAlive: true,
    ...(address.servername ? { servername: address.servername } : {}),
  });
  // docker-modem takes an agent (its types do not say so): the agent's servername and keep-alive apply.
  const docker = new Docker({
    host: address.host,
    port: address.port,
    protocol: 'https',
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    agent,
    ...(timeoutMs ? { timeout: timeoutMs } : {}),
  } as Docker.DockerOptions);
  return { docker, agent };
}
