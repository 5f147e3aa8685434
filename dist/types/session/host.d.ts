import type { Cidr } from '../core/cidr.js';
/** IPv4 routes of this network namespace (empty where /proc/net/route is unreadable). */
export declare function hostRoutes(): Promise<Cidr[]>;
/**
 * When this process runs inside a Docker container (a containerised runner), the container's id
 * or name as the engine knows it, so that launch can attach it to the session network.
 */
export declare function ownContainerCandidates(): Promise<string[]>;
/** Where secure-dind keeps its small host-side records (cache volume last-use times). */
export declare function defaultStateDir(env?: NodeJS.ProcessEnv): string;
