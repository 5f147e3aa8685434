import type { CommandRunner, ContainerSummary, DockerProbe, HostFiles } from './host.js';
import { type DaemonJson, type DockerInfo, type FusermountProfile, type OsRelease, type RuntimeIdentity } from './preflight.js';
export declare const SYSBOX_UNITS: readonly ["sysbox", "sysbox-mgr", "sysbox-fs"];
export declare const DAEMON_JSON = "/etc/docker/daemon.json";
export declare const FUSERMOUNT_PROFILE = "/etc/apparmor.d/fusermount3";
export declare const FUSERMOUNT_LOCAL = "/etc/apparmor.d/local/fusermount3";
export type CheckStatus = 'pass' | 'warn' | 'fail';
export interface Check {
    readonly id: string;
    readonly title: string;
    readonly status: CheckStatus;
    readonly detail: string;
    /** What to do about a warn or fail. */
    readonly fix?: string;
}
export interface HostFacts {
    readonly machine: string | undefined;
    readonly osRelease: OsRelease | undefined;
    readonly kernel: string | undefined;
    readonly shiftfs: boolean;
    readonly pid1: string | undefined;
    readonly docker: {
        readonly reachable: true;
        readonly info: DockerInfo;
        readonly containers: readonly ContainerSummary[];
    } | {
        readonly reachable: false;
        readonly error: string;
    };
    readonly snapDocker: boolean;
    readonly varLibFs: string | undefined;
    readonly daemonJson: DaemonJson;
    readonly fusermount: FusermountProfile;
    /** Unit states; undefined when systemctl could not be asked. */
    readonly units: Readonly<Record<string, string>> | undefined;
    readonly runtimeName: string;
    /** What the registered runtime binary says it is; undefined when not registered or not runnable. */
    readonly runtimeIdentity: RuntimeIdentity | undefined;
    /** Installed sysbox-ce package version (dpkg), when any. */
    readonly packageVersion: string | undefined;
}
export interface HostEdges {
    readonly runner: CommandRunner;
    readonly files: HostFiles;
    readonly probe: DockerProbe;
}
export declare function gatherHostFacts(edges: HostEdges, runtimeName?: string): Promise<HostFacts>;
/** Judges host facts. Pure. */
export declare function evaluateHost(facts: HostFacts): Check[];
export declare function worstStatus(checks: readonly Check[]): CheckStatus;
/** A plain-text table: status, check, detail, and the fix on its own line. */
export declare function renderChecks(checks: readonly Check[]): string;
