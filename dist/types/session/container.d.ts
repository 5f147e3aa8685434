/**
 * The daemon container step: the inner daemon's configuration (its networks clear of every outer
 * one) and the session's server certificates go into the container before it starts, so no
 * secret ever passes through its command line or environment.
 */
import type { Cidr } from '../core/cidr.js';
import { type SessionCerts } from '../tls/certs.js';
import type { LaunchContext } from './launch-context.js';
import { type SlotLease } from './lease.js';
import type { NetworkPlacement } from './network.js';
/** Creates the daemon container on a leased cache slot, with its files in place; not started. */
export declare function createDaemonContainer(context: LaunchContext, daemon: {
    readonly placement: NetworkPlacement;
    readonly aliases: readonly string[];
    readonly certs: SessionCerts;
    /** Every outer network and route the inner daemon's ranges must avoid. */
    readonly occupied: readonly Cidr[];
    readonly mtu: number;
    /** The host's registry mirror when it answers (undefined: none, or it is down). */
    readonly registryMirror: string | undefined;
    /** Generations mode: the session's clone in the store (else a cache slot is leased). */
    readonly cloneDir: string | undefined;
}): Promise<SlotLease>;
