/**
 * The session network step: the caller's network to join, a spare made ahead by an earlier launch,
 * or a new network on a free subnet. Looking at the host's networks and leasing a spare come first,
 * before the session has an id: a leased spare brings the id it was made for.
 */
import { type Cidr } from '../core/cidr.js';
import type { SessionConfig } from '../core/config.js';
import type { EnginePort, NetworkInfo } from '../ports.js';
import type { LaunchContext } from './launch-context.js';
import { type HostNetworks, type LeasedSpare } from './networks.js';
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
export declare function planNetwork(engine: EnginePort, config: SessionConfig, options: LaunchOptions, lease: {
    stateDir: string;
    deadline: Date;
    certDirFor: (sessionId: string) => string;
}): Promise<NetworkPlan>;
/** The session's network: the caller's to join, the leased spare, or a new one. */
export declare function prepareNetwork(context: LaunchContext, plan: NetworkPlan): Promise<NetworkPlacement>;
