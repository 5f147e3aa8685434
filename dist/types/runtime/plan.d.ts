import { type SysboxPackage } from './compat.js';
import { type HostFacts } from './facts.js';
export declare const CACHE_DIR = "/var/cache/secure-dind";
/**
 * Docker's built-in address pools (172.17-31.0.0/16 and 192.168.0.0/16 split into /20s). Writing
 * them out changes nothing about how Docker picks subnets, but satisfies the Sysbox installer.
 */
export declare const DOCKER_DEFAULT_ADDRESS_POOLS: readonly {
    base: string;
    size: number;
}[];
/** What was asked of the install (the runtime's name comes with the facts). */
export interface InstallRequest {
    /** Explicit version; without one, anything at or above the minimum counts as installed. */
    readonly version?: string | undefined;
    readonly url?: string | undefined;
    readonly sha256?: string | undefined;
    readonly cacheDir?: string;
}
export type InstallStep = {
    readonly kind: 'download';
    readonly url: string;
    readonly sha256: string;
    readonly path: string;
    readonly describe: string;
} | {
    readonly kind: 'write-file';
    readonly path: string;
    readonly content: string;
    readonly describe: string;
} | {
    readonly kind: 'run';
    readonly argv: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
    readonly describe: string;
};
export interface InstallPlan {
    readonly upToDate: boolean;
    readonly package: SysboxPackage | undefined;
    readonly steps: readonly InstallStep[];
    /** Why the plan looks the way it does, one line each. */
    readonly notes: readonly string[];
}
/** Decides what to do. Pure; throws when installing would need something we never do. */
export declare function planInstall(facts: HostFacts, request: InstallRequest): InstallPlan;
export declare function renderPlan(plan: InstallPlan): string;
