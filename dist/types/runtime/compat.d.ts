/** The runtime name secure-dind launches sessions with (one definition, in the config). */
export { DEFAULT_RUNTIME } from '../core/config.js';
/** The Debian package name of Sysbox Community Edition. */
export declare const SYSBOX_PACKAGE = "sysbox-ce";
/**
 * The oldest Sysbox we accept. 0.7.1 fixes a sysbox-fs deadlock that hangs Sysbox containers when
 * many inner containers start and stop at once (nestybox/sysbox issue #998, 0.7.1 release notes),
 * which is exactly the load of a busy CI daemon.
 */
export declare const MIN_SYSBOX_VERSION = "0.7.1";
export declare const MIN_SYSBOX_REASON = "0.7.1 fixes a sysbox-fs deadlock when many inner containers start and stop";
/** The version `secure-dind bootstrap` installs when none is asked for. */
export declare const DEFAULT_SYSBOX_VERSION = "0.7.1";
/** Kernel that has ID-mapped mounts, which Sysbox uses when shiftfs is absent (Sysbox install guide). */
export declare const IDMAPPED_MOUNTS_KERNEL = "5.12";
export type Arch = 'amd64' | 'arm64';
/** Maps `uname -m` (or Docker's Architecture) to Debian's architecture name; undefined when unsupported. */
export declare function debianArch(machine: string): Arch | undefined;
export interface Distro {
    /** os-release ID, e.g. "ubuntu", "debian". */
    readonly id: string;
    /** os-release VERSION_ID, e.g. "24.04", "12". */
    readonly versionId: string;
}
export interface KernelRequirement {
    readonly minimum: string;
    /** Whether Sysbox's distro list names this release (a package exists and was tested there). */
    readonly listed: boolean;
    readonly label: string;
}
export declare function kernelRequirement(distro: Distro): KernelRequirement;
/** Whether Sysbox ships a .deb for this distro family at all (it ships only .deb packages). */
export declare function isDebianFamily(osId: string, idLike?: readonly string[]): boolean;
/**
 * Loose version parsing for kernels ("6.8.0-45-generic", "6.18.44-fc-v657"), Docker
 * ("20.10.24+dfsg1", "27.3.1") and Sysbox ("0.7.1", "0.7.1-0"). Undefined when no version is found.
 */
export declare function parseLooseVersion(text: string): string | undefined;
/** Negative, zero or positive like a comparator; throws when either side has no version in it. */
export declare function compareVersions(a: string, b: string): number;
/** a >= b, tolerating distro suffixes. */
export declare function versionAtLeast(a: string, b: string): boolean;
export interface SysboxAsset {
    readonly url: string;
    readonly sha256: string;
    /** Where the digest was taken from. */
    readonly digestSource: string;
}
export interface SysboxRelease {
    readonly version: string;
    readonly notes: string;
    readonly assets: Readonly<Partial<Record<Arch, SysboxAsset>>>;
}
/**
 * Pinned Sysbox CE releases. The packages are the release assets of nestybox/sysbox on GitHub
 * (the same files are also served from downloads.nestybox.com/sysbox/releases/vX/sysbox-ce_X-0.linux_ARCH.deb).
 * Admins can override URL and digest with --url/--sha256 or SECURE_DIND_SYSBOX_URL/SECURE_DIND_SYSBOX_SHA256.
 */
export declare const SYSBOX_RELEASES: Readonly<Record<string, SysboxRelease>>;
export interface SysboxPackage {
    readonly version: string;
    readonly arch: Arch;
    readonly url: string;
    readonly sha256: string;
    /** Where URL and digest came from: the pinned table or an administrator's override. */
    readonly source: 'pinned' | 'override';
    /** File name to save the package as. */
    readonly fileName: string;
}
export interface PackageRequest {
    readonly version: string;
    readonly arch: Arch;
    readonly url?: string | undefined;
    readonly sha256?: string | undefined;
}
/**
 * Chooses the package to install: the pinned asset, or the administrator's URL and digest.
 * A URL without a digest is refused: nothing is installed without a known sha256.
 */
export declare function resolveSysboxPackage(request: PackageRequest): SysboxPackage;
