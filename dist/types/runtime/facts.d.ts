import { SystemError } from '../core/errors.js';
import type { EnginePort } from '../ports.js';
import type { HostEdges } from './host.js';
import { type DaemonJson, type DockerInfo, type FusermountProfile, type OsRelease, type RuntimeIdentity } from './preflight.js';
/** A container on the host and the OCI runtime it was created with. */
export interface HostContainer {
    readonly id: string;
    readonly name: string;
    readonly running: boolean;
    readonly runtime: string | undefined;
}
/** The engine's /info, or why it could not be had (the whole message; a check shows its first line). */
export type EngineFacts = {
    readonly reachable: true;
    readonly info: DockerInfo;
} | {
    readonly reachable: false;
    readonly error: string;
};
/** Enough to tell whether sessions can start: the engine, and what the registered runtime really is. */
export interface RuntimeFacts {
    readonly runtimeName: string;
    readonly docker: EngineFacts;
    /** What the registered runtime binary says it is; undefined when it is not registered. */
    readonly runtimeIdentity: RuntimeIdentity | undefined;
}
/** A throwaway container's /proc/self/uid_map under the runtime, or why it did not run. */
export type SmokeResult = {
    readonly uidMap: string;
} | {
    readonly error: string;
};
export interface HostFacts extends RuntimeFacts {
    readonly machine: string | undefined;
    readonly osRelease: OsRelease | undefined;
    readonly kernel: string | undefined;
    readonly shiftfs: boolean;
    readonly pid1: string | undefined;
    readonly docker: {
        readonly reachable: true;
        readonly info: DockerInfo;
        readonly containers: readonly HostContainer[];
    } | {
        readonly reachable: false;
        readonly error: string;
    };
    /** docker0's address in bip form ("172.17.0.1/16"), when the default bridge exists. */
    readonly bridgeAddress: string | undefined;
    readonly snapDocker: boolean;
    readonly varLibFs: string | undefined;
    readonly daemonJson: DaemonJson;
    readonly fusermount: FusermountProfile;
    /** The local fusermount3 override's text, which a fix appends to. */
    readonly fusermountLocal: string | undefined;
    /** Unit states; undefined when systemctl could not be asked. */
    readonly units: Readonly<Record<string, string>> | undefined;
    /** Installed sysbox-ce package version (dpkg), when any. */
    readonly packageVersion: string | undefined;
    /** Only when asked for and the runtime is registered. */
    readonly smoke?: SmokeResult;
}
export interface GatherOptions {
    /** Run a throwaway container of this image under the runtime and record its uid_map. */
    readonly smokeImage?: string;
}
/** The host files and units the facts come from. */
export declare const SYSBOX_UNITS: readonly ["sysbox", "sysbox-mgr", "sysbox-fs"];
export declare const DAEMON_JSON = "/etc/docker/daemon.json";
export declare const FUSERMOUNT_PROFILE = "/etc/apparmor.d/fusermount3";
export declare const FUSERMOUNT_LOCAL = "/etc/apparmor.d/local/fusermount3";
export declare function gatherRuntimeFacts(edges: Pick<HostEdges, 'runner' | 'engine'>, runtimeName: string): Promise<RuntimeFacts>;
export declare function gatherHostFacts(edges: HostEdges, runtimeName?: string, options?: GatherOptions): Promise<HostFacts>;
/** Whether the engine lists the runtime; false when it cannot be asked. For waiting on a reload. */
export declare function runtimeRegistered(engine: EnginePort, runtimeName: string): Promise<boolean>;
/** The error for facts that say the engine is not reachable, with what to do about it. */
export declare function engineUnreachable(docker: {
    readonly error: string;
}, hint: string): SystemError;
