import type { DaemonAddress, EnginePort, Logger } from '../ports.js';
import type { NetworkPlacement } from './network.js';
/** Attaches the container this process runs in, if any, to the network. */
export declare function attachOwnContainer(engine: EnginePort, networkName: string, log: Logger | undefined): Promise<void>;
/**
 * The daemon's fixed address on a network of the session's own; on a joined network, the one the
 * engine gave its container, verified against the name "docker" (the certificate's alias).
 */
export declare function daemonAddress(engine: EnginePort, placement: NetworkPlacement, containerId: string): Promise<DaemonAddress>;
