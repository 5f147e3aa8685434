/**
 * The install plan: from the host's facts and what was asked, the ordered steps that install or
 * upgrade Sysbox CE, or a refusal that says why. Pure. Never plans to stop or delete a container.
 */
import { SystemError } from '../core/errors.js';
import {
  DEFAULT_SYSBOX_VERSION,
  MIN_SYSBOX_VERSION,
  SYSBOX_PACKAGE,
  compareVersions,
  debianArch,
  resolveSysboxPackage,
  versionAtLeast,
  type Arch,
  type SysboxPackage,
} from './compat.js';
import {
  DAEMON_JSON,
  FUSERMOUNT_LOCAL,
  FUSERMOUNT_PROFILE,
  SYSBOX_UNITS,
  engineUnreachable,
  type HostFacts,
} from './facts.js';
import { FUSERMOUNT_SYSBOX_RULE } from './preflight.js';

export const CACHE_DIR = '/var/cache/secure-dind';

/**
 * Docker's built-in address pools (172.17-31.0.0/16 and 192.168.0.0/16 split into /20s). Writing
 * them out changes nothing about how Docker picks subnets, but satisfies the Sysbox installer.
 */
export const DOCKER_DEFAULT_ADDRESS_POOLS: readonly { base: string; size: number }[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: '192.168.0.0/16', size: 20 },
];

/** What was asked of the install (the runtime's name comes with the facts). */
export interface InstallRequest {
  /** Explicit version; without one, anything at or above the minimum counts as installed. */
  readonly version?: string | undefined;
  readonly url?: string | undefined;
  readonly sha256?: string | undefined;
  readonly cacheDir?: string;
}

export type InstallStep =
  | {
      readonly kind: 'download';
      readonly url: string;
      readonly sha256: string;
      readonly path: string;
      readonly describe: string;
    }
  | {
      readonly kind: 'write-file';
      readonly path: string;
      readonly content: string;
      readonly describe: string;
    }
  | {
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

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };

/** Decides what to do. Pure; throws when installing would need something we never do. */
export function planInstall(facts: HostFacts, request: InstallRequest): InstallPlan {
  const runtime = facts.runtimeName;
  const notes: string[] = [];
  if (!facts.docker.reachable) {
    throw engineUnreachable(
      facts.docker,
      'install and start Docker Engine first (the Sysbox installer registers itself with it)',
    );
  }
  const containers = facts.docker.containers;
  const arch: Arch | undefined = facts.machine === undefined ? undefined : debianArch(facts.machine);
  if (arch === undefined) {
    throw new SystemError(`architecture ${facts.machine ?? 'unknown'} is not supported`, {
      hint: 'Sysbox packages exist for amd64 and arm64 only',
    });
  }
  if (facts.daemonJson.state === 'invalid') {
    throw new SystemError(`${DAEMON_JSON} is not valid JSON: ${facts.daemonJson.error}`, {
      hint: `fix ${DAEMON_JSON} first; nothing was changed`,
    });
  }
  const pkg = resolveSysboxPackage({
    version: request.version ?? DEFAULT_SYSBOX_VERSION,
    arch,
    url: request.url,
    sha256: request.sha256,
  });
  const installed = facts.packageVersion;
  const satisfied =
    installed !== undefined &&
    (request.version === undefined
      ? versionAtLeast(installed, MIN_SYSBOX_VERSION)
      : compareVersions(installed, pkg.version) === 0);
  if (satisfied && runtime in facts.docker.info.runtimes) {
    notes.push(
      `${SYSBOX_PACKAGE} ${installed} is installed and ${runtime} is registered: nothing to install`,
    );
    return { upToDate: true, package: pkg, steps: [], notes };
  }

  const steps: InstallStep[] = [];
  const debPath = `${request.cacheDir ?? CACHE_DIR}/${pkg.fileName}`;
  steps.push({
    kind: 'download',
    url: pkg.url,
    sha256: pkg.sha256,
    path: debPath,
    describe: `download ${pkg.url} to ${debPath} and check its sha256 is ${pkg.sha256} (${pkg.source})`,
  });

  let reinstall = false;
  if (installed !== undefined) {
    const users = containers.filter((c) => c.runtime === runtime);
    if (compareVersions(installed, pkg.version) === 0) {
      reinstall = true;
      notes.push(
        `${SYSBOX_PACKAGE} ${installed} is installed but ${runtime} is not registered: reinstalling`,
      );
    } else if (users.length > 0) {
      throw new SystemError(
        `${SYSBOX_PACKAGE} ${installed} must be removed before ${pkg.version} goes in, but ${users.length} container(s) use ${runtime}: ${users
          .slice(0, 5)
          .map((c) => c.name)
          .join(', ')}`,
        {
          hint: `secure-dind never stops containers; rerun once they are gone (jobs finished, or secure-dind gc)`,
        },
      );
    } else {
      steps.push({
        kind: 'run',
        argv: ['apt-get', 'remove', '-y', SYSBOX_PACKAGE],
        env: APT_ENV,
        describe: `remove ${SYSBOX_PACKAGE} ${installed} (Sysbox upgrades go through an uninstall)`,
      });
    }
  }

  const daemonJson = facts.daemonJson;
  const hasKeys = daemonJson.state === 'ok' && daemonJson.hasBip && daemonJson.hasAddressPools;
  if (containers.length > 0 && !hasKeys) {
    const config: Record<string, unknown> = daemonJson.state === 'ok' ? { ...daemonJson.config } : {};
    if (!(daemonJson.state === 'ok' && daemonJson.hasBip)) {
      if (facts.bridgeAddress === undefined) {
        throw new SystemError(
          `${containers.length} container(s) exist and ${DAEMON_JSON} has no "bip", but docker0's address is unknown`,
          {
            hint: `add "bip" (docker0's current address, e.g. "172.17.0.1/16") to ${DAEMON_JSON}, then rerun`,
          },
        );
      }
      config.bip = facts.bridgeAddress;
    }
    if (!(daemonJson.state === 'ok' && daemonJson.hasAddressPools)) {
      config['default-address-pools'] = DOCKER_DEFAULT_ADDRESS_POOLS;
    }
    steps.push({
      kind: 'write-file',
      path: DAEMON_JSON,
      content: `${JSON.stringify(config, null, 2)}\n`,
      describe: `write bip ${String(config.bip)} and default-address-pools (Docker's current values) to ${DAEMON_JSON}, so the Sysbox installer need not restart Docker with ${containers.length} container(s) present`,
    });
  }

  if (facts.fusermount === 'blocks-sysbox') {
    const current = facts.fusermountLocal ?? '';
    steps.push({
      kind: 'write-file',
      path: FUSERMOUNT_LOCAL,
      content: `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}# added by secure-dind bootstrap: allow Sysbox's FUSE mounts\n${FUSERMOUNT_SYSBOX_RULE}\n`,
      describe: `allow fusermount3 to mount /var/lib/sysboxfs in ${FUSERMOUNT_LOCAL}`,
    });
    steps.push({
      kind: 'run',
      argv: ['apparmor_parser', '-r', FUSERMOUNT_PROFILE],
      describe: `reload ${FUSERMOUNT_PROFILE}`,
    });
  }

  steps.push({
    kind: 'run',
    argv: ['apt-get', 'update'],
    env: APT_ENV,
    describe: 'refresh the apt package lists',
  });
  steps.push({
    kind: 'run',
    argv: ['apt-get', 'install', '-y', '--no-install-recommends', 'fuse3'],
    env: APT_ENV,
    describe: 'install fuse3 first, so the Sysbox package does not swap FUSE versions',
  });
  steps.push({
    kind: 'run',
    argv: ['apt-get', 'install', '-y', ...(reinstall ? ['--reinstall'] : []), debPath],
    env: APT_ENV,
    describe: `install ${SYSBOX_PACKAGE} ${pkg.version} with its dependencies`,
  });
  return { upToDate: false, package: pkg, steps, notes };
}

export function renderPlan(plan: InstallPlan): string {
  const lines = [...plan.notes];
  plan.steps.forEach((step, index) => lines.push(`${index + 1}. ${step.describe}`));
  lines.push(
    `${plan.steps.length + 1}. verify: ${SYSBOX_UNITS.join(', ')} active, runtime registered, smoke container in a user namespace`,
  );
  return lines.join('\n') + '\n';
}
