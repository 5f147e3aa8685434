import { type SysboxPackage } from './compat.js';
import { type Check } from './doctor.js';
import type { CommandRunner, ContainerSummary, DockerProbe, Downloader, HostFiles } from './host.js';
import { type DaemonJson, type FusermountProfile } from './preflight.js';
export declare const CACHE_DIR = "/var/cache/secure-dind";
export declare const DEFAULT_SMOKE_IMAGE = "busybox:latest";
/**
 * Docker's built-in address pools (172.17-31.0.0/16 and 192.168.0.0/16 split into /20s). Writing
 * them out changes nothing about how Docker picks subnets, but satisfies the Sysbox installer.
 */
export declare const DOCKER_DEFAULT_ADDRESS_POOLS: readonly {
    base: string;
    size: number;
}[];
export interface InstallEdges {
    readonly runner: CommandRunner;
    readonly files: HostFiles;
    readonly probe: DockerProbe;
    readonly downloader: Downloader;
}
export interface InstallRequest {
    readonly runtime?: string;
    /** Explicit version; without one, anything at or above the minimum counts as installed. */
    readonly version?: string | undefined;
    readonly url?: string | undefined;
    readonly sha256?: string | undefined;
    readonly smokeImage?: string | undefined;
    readonly cacheDir?: string;
}
export interface InstallState {
    readonly machine: string | undefined;
    readonly installedVersion: string | undefined;
    readonly runtimeRegistered: boolean;
    readonly containers: readonly ContainerSummary[];
    readonly daemonJson: DaemonJson;
    readonly daemonJsonText: string | undefined;
    readonly bridgeAddress: string | undefined;
    readonly fusermount: FusermountProfile;
    readonly fusermountLocal: string | undefined;
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
export declare function gatherInstallState(edges: Omit<InstallEdges, 'downloader'>, runtime: string): Promise<InstallState>;
/** Decides what to do. Pure; throws when installing would need something we never do. */
export declare function planInstall(state: InstallState, request: InstallRequest): InstallPlan;
export declare function renderPlan(plan: InstallPlan): string;
export type Log = (line: string) => void;
/** Carries out the steps in order; the first failure stops it. */
export declare function executePlan(plan: InstallPlan, edges: InstallEdges, log?: Log): Promise<void>;
export interface VerifyOptions {
    readonly runtime: string;
    readonly smokeImage: string;
    /** How long to wait for the engine to list the runtime (the installer reloads Docker). */
    readonly waitMs?: number;
    readonly sleep?: (ms: number) => Promise<void>;
}
/** Checks what an install should have produced: units, registration, a user-namespaced container. */
export declare function verifyRuntime(edges: Omit<InstallEdges, 'downloader'>, options: VerifyOptions): Promise<Check[]>;
export interface BootstrapOutcome {
    readonly plan: InstallPlan;
    /** Empty on a dry run. */
    readonly verification: readonly Check[];
}
export interface BootstrapOptions extends InstallRequest {
    readonly dryRun?: boolean;
    readonly log?: Log;
    readonly verifyWaitMs?: number;
}
/**
 * The whole bootstrap: state, plan, (dry run stops here) steps, verification. Throws a SystemError
 * when a step or the verification fails.
 */
export declare function bootstrapSysbox(edges: InstallEdges, options?: BootstrapOptions): Promise<BootstrapOutcome>;
