import { type Cidr } from '../core/cidr.js';
import type { EnginePort, NetworkInfo } from '../ports.js';
/**
 * Spares kept per state dir: a key's default cache slots' worth, so four launches at once lease a
 * spare each (in the bench, 4 at once went from 1.42x to 1.30x the bare-container floor with 4, not 2).
 */
export declare const SPARE_NETWORKS = 4;
export interface PlacedNetwork {
    readonly name: string;
    readonly subnet: Cidr;
    readonly daemonIp: string;
}
export interface LeasedSpare extends PlacedNetwork {
    /** The session id the spare was made for: the leasing launch takes it as its own. */
    readonly sessionId: string;
}
/** What a launch needs to know of the host's networks. */
export interface HostNetworks {
    readonly networks: readonly NetworkInfo[];
    /** Every outer network's subnet and every host route. */
    readonly occupied: readonly Cidr[];
    /** The MTU of the engine's default bridge (the outer network's). */
    readonly outerMtu: number;
}
export declare function lookAtHostNetworks(engine: EnginePort): Promise<HostNetworks>;
export interface NetworkLease {
    readonly network: string;
    readonly sessionId: string;
    readonly deadline: string;
    /** The session's certificate directory, so that a crash before its container still finds it. */
    readonly certDir: string;
}
/**
 * Creates a bridge network on a /24 nothing else uses, trying the next ones when another launch
 * takes the chosen subnet between our look and our create.
 */
export declare function createOnFreeSubnet(engine: EnginePort, spec: {
    name: string;
    occupied: readonly Cidr[];
    offset: number;
    mtu: number;
    labels: Record<string, string>;
}): Promise<PlacedNetwork>;
/**
 * Leases a spare of this state dir and MTU; undefined when none is free. The lease carries the
 * deadline and certificate directory of the session that takes it, for the reaper.
 */
export declare function leaseSpare(stateDir: string, networks: readonly NetworkInfo[], session: {
    deadline: Date;
    mtu: number;
    certDirFor: (sessionId: string) => string;
}): Promise<LeasedSpare | undefined>;
/** Adds a spare to the pool unless it already holds enough. Never throws: a spare is an optimisation. */
export declare function replenish(engine: EnginePort, stateDir: string, host: HostNetworks, spec: {
    occupied: readonly Cidr[];
    mtu: number;
    createdAt: Date;
}): Promise<void>;
/**
 * Tops the pool of spare networks up by one (never past SPARE_NETWORKS), at the MTU of the session
 * network named (else the engine's); a failure only means the next launch makes its own network.
 */
export declare function topUpSpares(engine: EnginePort, stateDir: string, sessionNetwork: string | undefined): Promise<void>;
/** The spares a session leased (a launch leases at most one). */
export declare function leasedBy(stateDir: string, sessionId: string): Promise<NetworkLease[]>;
/** Sessions holding a lease past its deadline (the launching process died before teardown). */
export declare function expiredLeaseHolders(stateDir: string, now: Date): Promise<string[]>;
export declare function releaseLease(stateDir: string, network: string): Promise<void>;
/** Removes this state dir's spares that nobody leased (for gc). */
export declare function removeSpares(engine: EnginePort, stateDir: string): Promise<string[]>;
