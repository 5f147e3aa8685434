/**
 * Where the client meets the daemon: the daemon's address on the session network, and, for a
 * runner that itself runs in a container, that container attached to the session network (the
 * only way it can reach the daemon).
 */
import { SystemError } from '../core/errors.js';
import { DAEMON_TLS_PORT } from '../core/spec.js';
import type { DaemonAddress, EnginePort, Logger } from '../ports.js';
import { ownContainerCandidates } from './host.js';
import type { NetworkPlacement } from './network.js';

/** Attaches the container this process runs in, if any, to the network. */
export async function attachOwnContainer(
  engine: EnginePort,
  networkName: string,
  log: Logger | undefined,
): Promise<void> {
  for (const candidate of await ownContainerCandidates()) {
    const container = await engine.inspectContainer(candidate).catch(() => undefined);
    if (!container) continue;
    await engine.connectNetwork(networkName, container.id);
    log?.info(`attached this runner's container ${container.name} to ${networkName}`);
    return;
  }
}

/**
 * The daemon's fixed address on a network of the session's own; on a joined network, the one the
 * engine gave its container, verified against the name "docker" (the certificate's alias).
 */
export async function daemonAddress(
  engine: EnginePort,
  placement: NetworkPlacement,
  containerId: string,
): Promise<DaemonAddress> {
  if (placement.daemonIp) return { host: placement.daemonIp, port: DAEMON_TLS_PORT };
  const container = await engine.inspectContainer(containerId);
  const ip = container?.networks[placement.networkName]?.IPAddress;
  if (!ip) throw new SystemError(`the DinD container has no address on network ${placement.networkName}`);
  return { host: ip, port: DAEMON_TLS_PORT, servername: 'docker' };
}
