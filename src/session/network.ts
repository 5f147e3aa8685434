/**
 * The session network step: the caller's network to join, a spare made ahead by an earlier launch,
 * or a new network on a free subnet. Looking at the host's networks and leasing a spare come first,
 * before the session has an id: a leased spare brings the id it was made for.
 */
import { type Cidr, parseCidr } from '../core/cidr.js';
import type { SessionConfig } from '../core/config.js';
import { SystemError } from '../core/errors.js';
import { LABELS, sessionNetworkName } from '../core/names.js';
import type { EnginePort, NetworkInfo } from '../ports.js';
import type { LaunchContext } from './launch-context.js';
import {
  type HostNetworks,
  type LeasedSpare,
  createOnFreeSubnet,
  leaseSpare,
  lookAtHostNetworks,
} from './networks.js';
import type { LaunchOptions } from './types.js';

export interface NetworkPlan {
  readonly host: HostNetworks;
  /** The caller's network, when the session joins one (and it exists). */
  readonly joined: NetworkInfo | undefined;
  readonly spare: LeasedSpare | undefined;
  /** The MTU of the session network, which the inner daemon's networks follow. */
  readonly mtu: number;
}

/** Where the session's network is placed and what the daemon's address on it is. */
export interface NetworkPlacement {
  readonly networkName: string;
  /** The daemon's fixed address; undefined on a joined network, where the engine assigns one. */
  readonly daemonIp: string | undefined;
  readonly subnet: Cidr;
}

/**
 * Looks at the host's networks and leases a spare unless the session joins a network. The lease
 * names this session's deadline and certificate directory, so the reaper finds both should this
 * process die right after it.
 */
export async function planNetwork(
  engine: EnginePort,
  config: SessionConfig,
  options: LaunchOptions,
  lease: { stateDir: string; deadline: Date; certDirFor: (sessionId: string) => string },
): Promise<NetworkPlan> {
  const host = await lookAtHostNetworks(engine);
  const joined = options.joinNetwork && host.networks.find((n) => n.name === options.joinNetwork!.name);
  const mtu = config.mtu ?? (joined ? joined.mtu : undefined) ?? host.outerMtu;
  const spare = options.joinNetwork
    ? undefined
    : await leaseSpare(lease.stateDir, host.networks, {
        deadline: lease.deadline,
        mtu,
        certDirFor: lease.certDirFor,
      });
  return { host, joined: joined || undefined, spare, mtu };
}

/** The session's network: the caller's to join, the leased spare, or a new one. */
export async function prepareNetwork(context: LaunchContext, plan: NetworkPlan): Promise<NetworkPlacement> {
  const { joinNetwork } = context.options;
  if (joinNetwork) {
    const subnet = plan.joined && parseCidr(plan.joined.subnets[0] ?? '');
    if (!plan.joined || !subnet)
      throw new SystemError(`network ${joinNetwork.name} does not exist or has no IPv4 subnet`);
    await context.record({ networkName: plan.joined.name, ownsNetwork: false });
    return { networkName: plan.joined.name, daemonIp: undefined, subnet };
  }
  if (plan.spare) {
    await context.record({ networkName: plan.spare.name, ownsNetwork: true });
    return { networkName: plan.spare.name, daemonIp: plan.spare.daemonIp, subnet: plan.spare.subnet };
  }
  const networkName = sessionNetworkName(context.sessionId);
  await context.record({ networkName, ownsNetwork: true });
  const created = await createOnFreeSubnet(context.engine, {
    name: networkName,
    occupied: plan.host.occupied,
    offset: parseInt(context.sessionId.slice(0, 4), 16),
    mtu: plan.mtu,
    // The certificate directory is written after the network exists: its label finds it then.
    labels: context.labels('network', { [LABELS.certDir]: context.certDir }),
  });
  return { networkName, daemonIp: created.daemonIp, subnet: created.subnet };
}
