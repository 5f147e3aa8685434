/**
 * Parsers for what a host tells us about itself: os-release, /proc/version, uname, `docker info`
 * JSON, daemon.json, mountinfo/findmnt, systemctl, `sysbox-runc --version`, uid_map. Pure: text in,
 * plain data out; none of them throws on odd input (they report "unknown" instead).
 */
export interface OsRelease {
    readonly id: string;
    readonly versionId: string;
    readonly idLike: readonly string[];
    readonly prettyName: string;
}
/** Parses /etc/os-release (shell-style KEY=value lines, values optionally quoted). */
export declare function parseOsRelease(text: string): OsRelease | undefined;
/** The kernel release from /proc/version ("Linux version 6.8.0-45-generic (...) ..."). */
export declare function parseProcVersion(text: string): string | undefined;
/** `uname -m` output, or `uname -a` (the machine is the second-last field before "GNU/Linux"). */
export declare function parseUnameMachine(text: string): string | undefined;
export interface DockerInfo {
    readonly serverVersion: string | undefined;
    readonly runtimes: Readonly<Record<string, string>>;
    readonly defaultRuntime: string | undefined;
    readonly rootless: boolean;
    readonly dockerRootDir: string | undefined;
    readonly containers: number | undefined;
    readonly operatingSystem: string | undefined;
    readonly kernelVersion: string | undefined;
    readonly architecture: string | undefined;
    readonly securityOptions: readonly string[];
}
/** Parses the engine's /info (dockerode's info() or `docker info --format '{{json .}}'`). */
export declare function parseDockerInfo(input: unknown): DockerInfo | undefined;
export type DaemonJson = {
    readonly state: 'absent';
} | {
    readonly state: 'invalid';
    readonly error: string;
} | {
    readonly state: 'ok';
    readonly config: Readonly<Record<string, unknown>>;
    readonly hasBip: boolean;
    readonly hasAddressPools: boolean;
    readonly usernsRemap: string | undefined;
    readonly runtimes: Readonly<Record<string, string>>;
};
/** Parses /etc/docker/daemon.json; undefined text means the file does not exist. */
export declare function parseDaemonJson(text: string | undefined): DaemonJson;
/**
 * The filesystem type holding `path`, from /proc/self/mountinfo: the mount with the longest mount
 * point that contains the path wins.
 */
export declare function filesystemFromMountinfo(text: string, path: string): string | undefined;
/** `findmnt -no FSTYPE -T PATH` output (one word), or the FSTYPE column of `findmnt -T PATH`. */
export declare function parseFindmnt(text: string): string | undefined;
/**
 * `systemctl is-active UNIT...` prints one state per unit, in order ("active", "inactive",
 * "failed", "unknown"...). Missing lines count as "unknown".
 */
export declare function parseSystemctlIsActive(units: readonly string[], output: string): Record<string, string>;
export type RuntimeIdentity = {
    readonly kind: 'sysbox';
    readonly version: string;
    readonly edition: string;
} | {
    readonly kind: 'not-sysbox';
    readonly firstLine: string;
};
/**
 * What `<runtime> --version` says it is. Sysbox prints a "sysbox-runc" line followed by
 * "edition:" and "version:" lines; anything else (runc, a wrapper, a test double) is not Sysbox.
 */
export declare function parseRuntimeVersion(output: string): RuntimeIdentity;
export interface IdMapping {
    readonly inside: number;
    readonly outside: number;
    readonly length: number;
}
/** Parses /proc/PID/uid_map (or gid_map). */
export declare function parseIdMap(text: string): IdMapping[];
/**
 * True when the map is a user namespace in which root is not root of the host: uid 0 inside maps
 * to a non-zero uid outside. The initial namespace's map is "0 0 4294967295".
 */
export declare function rootIsRemapped(map: readonly IdMapping[]): boolean;
/** The AppArmor rule that lets fusermount3 mount Sysbox's FUSE filesystems (nestybox/sysbox issue #947). */
export declare const FUSERMOUNT_SYSBOX_RULE = "  mount fstype=fuse -> /var/lib/sysboxfs/**/,";
export type FusermountProfile = 'none' | 'allows-sysbox' | 'blocks-sysbox';
/**
 * Newer AppArmor releases (Ubuntu 25.04 on) confine fusermount3, which then refuses Sysbox's FUSE
 * mounts unless a local override allows /var/lib/sysboxfs.
 */
export declare function fusermountProfileState(profile: string | undefined, localOverride: string | undefined): FusermountProfile;
/** `dpkg-query -W -f '${Status} ${Version}' PKG`: the version when installed, else undefined. */
export declare function parseDpkgQuery(output: string): string | undefined;
