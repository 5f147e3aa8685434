/**
 * Sysbox compatibility tables and version arithmetic. Pure: plain data in, plain data out.
 *
 * Sources for the facts below are named next to each table, so the next person who bumps a version
 * knows where to look and what to re-check.
 */
import semver from 'semver';
import { BadInputError } from '../core/errors.js';

/** The runtime name secure-dind launches sessions with (one definition, in the config). */
export { DEFAULT_RUNTIME } from '../core/config.js';

/** The Debian package name of Sysbox Community Edition. */
export const SYSBOX_PACKAGE = 'sysbox-ce';

/**
 * The oldest Sysbox we accept. 0.7.1 fixes a sysbox-fs deadlock that hangs Sysbox containers when
 * many inner containers start and stop at once (nestybox/sysbox issue #998, 0.7.1 release notes),
 * which is exactly the load of a busy CI daemon.
 */
export const MIN_SYSBOX_VERSION = '0.7.1';
export const MIN_SYSBOX_REASON = '0.7.1 fixes a sysbox-fs deadlock when many inner containers start and stop';

/** The version `secure-dind bootstrap` installs when none is asked for. */
export const DEFAULT_SYSBOX_VERSION = '0.7.1';

/** Kernel that has ID-mapped mounts, which Sysbox uses when shiftfs is absent (Sysbox install guide). */
export const IDMAPPED_MOUNTS_KERNEL = '5.12';

export type Arch = 'amd64' | 'arm64';

/** Maps `uname -m` (or Docker's Architecture) to Debian's architecture name; undefined when unsupported. */
export function debianArch(machine: string): Arch | undefined {
  switch (machine.trim()) {
    case 'x86_64':
    case 'amd64':
      return 'amd64';
    case 'aarch64':
    case 'arm64':
      return 'arm64';
    default:
      return undefined;
  }
}

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

/**
 * Minimum kernel per distro release, after Sysbox's distro compatibility document
 * (docs/distro-compat.md in nestybox/sysbox). Releases it does not list fall back to 5.5.
 */
const KERNEL_MINIMUMS: Readonly<Record<string, string>> = {
  'ubuntu 18.04': '5.3',
  'ubuntu 20.04': '5.4',
  'ubuntu 22.04': '5.15',
  'ubuntu 24.04': '6.8',
  'debian 10': '5.5',
  'debian 11': '5.5',
};
const FALLBACK_KERNEL_MINIMUM = '5.5';

export function kernelRequirement(distro: Distro): KernelRequirement {
  const key = `${distro.id} ${distro.versionId}`;
  const listed = KERNEL_MINIMUMS[key];
  return {
    minimum: listed ?? FALLBACK_KERNEL_MINIMUM,
    listed: listed !== undefined,
    label: `${distro.id} ${distro.versionId}`,
  };
}

/** Whether Sysbox ships a .deb for this distro family at all (it ships only .deb packages). */
export function isDebianFamily(osId: string, idLike: readonly string[] = []): boolean {
  return osId === 'ubuntu' || osId === 'debian' || idLike.includes('debian') || idLike.includes('ubuntu');
}

/**
 * Loose version parsing for kernels ("6.8.0-45-generic", "6.18.44-fc-v657"), Docker
 * ("20.10.24+dfsg1", "27.3.1") and Sysbox ("0.7.1", "0.7.1-0"). Undefined when no version is found.
 */
export function parseLooseVersion(text: string): string | undefined {
  return semver.coerce(text.trim())?.version;
}

/** Negative, zero or positive like a comparator; throws when either side has no version in it. */
export function compareVersions(a: string, b: string): number {
  const left = parseLooseVersion(a);
  const right = parseLooseVersion(b);
  if (left === undefined || right === undefined) {
    throw new Error(`cannot compare versions ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  }
  return semver.compare(left, right);
}

/** a >= b, tolerating distro suffixes. */
export function versionAtLeast(a: string, b: string): boolean {
  return compareVersions(a, b) >= 0;
}

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
export const SYSBOX_RELEASES: Readonly<Record<string, SysboxRelease>> = {
  '0.7.1': {
    version: '0.7.1',
    notes: 'https://github.com/nestybox/sysbox/releases/tag/v0.7.1',
    assets: {
      amd64: {
        url: 'https://github.com/nestybox/sysbox/releases/download/v0.7.1/sysbox-ce_0.7.1.linux_amd64.deb',
        sha256: '9d6d5484f980d0a17f86c492c1262015c2afb66280bdb97215b79fde6a0261c5',
        digestSource:
          'checksum published with the v0.7.1 release; the same value is pinned independently by several public installers ' +
          '(e.g. the sysbox-ce AUR package and coder/envbox PR #177, which records downloading and hashing the asset)',
      },
      arm64: {
        url: 'https://github.com/nestybox/sysbox/releases/download/v0.7.1/sysbox-ce_0.7.1.linux_arm64.deb',
        sha256: '04ca894ae0b53f0fa54eaacc173ce40363c9a95ea5450f773716a84ef650a69b',
        digestSource:
          'checksum published with the v0.7.1 release; the same value is pinned independently by several public installers ' +
          '(e.g. the sysbox-ce AUR package)',
      },
    },
  },
};

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

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Chooses the package to install: the pinned asset, or the administrator's URL and digest.
 * A URL without a digest is refused: nothing is installed without a known sha256.
 */
export function resolveSysboxPackage(request: PackageRequest): SysboxPackage {
  const version = parseLooseVersion(request.version);
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(request.version.trim())) {
    throw new BadInputError('Sysbox version', request.version, 'a version such as 0.7.1');
  }
  if (!versionAtLeast(version, MIN_SYSBOX_VERSION)) {
    throw new BadInputError(
      'Sysbox version',
      request.version,
      `${MIN_SYSBOX_VERSION} or newer (${MIN_SYSBOX_REASON})`,
    );
  }
  const sha256 = request.sha256?.trim().toLowerCase();
  if (sha256 !== undefined && sha256 !== '' && !SHA256_PATTERN.test(sha256)) {
    throw new BadInputError('Sysbox package sha256', request.sha256 ?? '', '64 hexadecimal digits');
  }
  const pinned = SYSBOX_RELEASES[version]?.assets[request.arch];
  const url = request.url?.trim() || pinned?.url;
  const digest = sha256 || (request.url?.trim() ? undefined : pinned?.sha256);
  if (url === undefined) {
    const known = Object.keys(SYSBOX_RELEASES).join(', ');
    throw new BadInputError(
      'Sysbox version',
      request.version,
      `a pinned version (${known}) for ${request.arch}, or --url with --sha256 for another one`,
    );
  }
  if (!/^https:\/\//.test(url)) throw new BadInputError('Sysbox package URL', url, 'an https:// URL');
  if (digest === undefined) {
    throw new BadInputError(
      'Sysbox package sha256',
      '',
      'the sha256 of the package at --url (pass --sha256)',
    );
  }
  const fileName = `${SYSBOX_PACKAGE}_${version}.linux_${request.arch}.deb`;
  const source = request.url?.trim() || sha256 ? 'override' : 'pinned';
  return { version, arch: request.arch, url, sha256: digest, source, fileName };
}
