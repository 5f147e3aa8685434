/**
 * Doctor's table: can this host run Sysbox and secure-dind sessions? The platform and the engine
 * here, the Sysbox checks from sysbox-checks.ts; in the order doctor prints them.
 */
import {
  IDMAPPED_MOUNTS_KERNEL,
  debianArch,
  isDebianFamily,
  kernelRequirement,
  parseLooseVersion,
  versionAtLeast,
} from './compat.js';
import { check, fail, pass, runChecks, warn, type Check, type HostCheck } from './checks.js';
import { DAEMON_JSON, FUSERMOUNT_LOCAL, FUSERMOUNT_PROFILE, type HostFacts } from './facts.js';
import { FUSERMOUNT_SYSBOX_RULE, type OsRelease } from './preflight.js';
import { runtimeIsSysbox, sysboxUnits, sysboxVersion } from './sysbox-checks.js';

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';
const requirementFor = (os: OsRelease | undefined) => (os ? kernelRequirement(os) : undefined);
const kernelVersion = (kernel: string | undefined) =>
  kernel === undefined ? undefined : parseLooseVersion(kernel);

const architecture = check('arch', 'architecture', ['machine'], ({ machine }) => {
  const arch = machine === undefined ? undefined : debianArch(machine);
  return arch
    ? pass(`${machine} (${arch})`)
    : fail(
        `${machine ?? 'unknown'} is not supported`,
        'Sysbox packages exist for amd64 (x86_64) and arm64 (aarch64) only',
      );
});

const distribution = check('distro', 'distribution', ['osRelease'], ({ osRelease: os }) => {
  if (!os) return fail('no /etc/os-release', 'use Ubuntu or Debian');
  if (!isDebianFamily(os.id, os.idLike)) {
    return fail(
      `${os.prettyName}: Sysbox ships .deb packages only`,
      'use Ubuntu 22.04/24.04 or Debian, or build Sysbox from source (Sysbox developer guide)',
    );
  }
  if (requirementFor(os)?.listed) return pass(os.prettyName);
  return warn(
    `${os.prettyName} is not in Sysbox's list of tested releases`,
    'Ubuntu 24.04 or 22.04 are the best-trodden paths; other Debian-family releases usually work',
  );
});

const kernel = check('kernel', 'kernel', ['kernel', 'osRelease'], (facts) => {
  const version = kernelVersion(facts.kernel);
  const requirement = requirementFor(facts.osRelease);
  const minimum = requirement?.minimum ?? '5.5';
  const label = requirement?.label ?? 'this distro';
  if (version === undefined) return fail('kernel version unknown', 'check /proc/version');
  if (versionAtLeast(version, minimum)) return pass(`${facts.kernel} (minimum ${minimum} for ${label})`);
  return fail(
    `${facts.kernel} is older than ${minimum}, Sysbox's minimum for ${label}`,
    `install a newer kernel (e.g. the distro's HWE kernel) and reboot`,
  );
});

const idMappedMounts = check('idmap', 'ID-mapped mounts', ['kernel', 'shiftfs'], (facts) => {
  const version = kernelVersion(facts.kernel);
  if (version !== undefined && versionAtLeast(version, IDMAPPED_MOUNTS_KERNEL)) {
    return pass(`kernel ${IDMAPPED_MOUNTS_KERNEL}+ has them${facts.shiftfs ? '; shiftfs also present' : ''}`);
  }
  if (facts.shiftfs) return pass('shiftfs module present');
  return fail(
    `kernel older than ${IDMAPPED_MOUNTS_KERNEL} and no shiftfs`,
    `upgrade to kernel ${IDMAPPED_MOUNTS_KERNEL}+ or install the shiftfs module`,
  );
});

const systemd = check('systemd', 'systemd as PID 1', ['pid1'], ({ pid1 }) =>
  pid1 === 'systemd'
    ? pass('systemd')
    : fail(
        `PID 1 is ${pid1 ?? 'unknown'}`,
        'the Sysbox package runs its daemons as systemd units; use a host (or VM) booted with systemd',
      ),
);

const dockerEngine = check('docker', 'Docker engine', ['docker'], ({ docker }) => {
  if (!docker.reachable) {
    return fail(
      `not reachable: ${firstLine(docker.error)}`,
      "install Docker Engine (apt install docker.io, or docker-ce from Docker's repository) and start it; check /var/run/docker.sock permissions",
    );
  }
  const version = docker.info.serverVersion ?? 'unknown';
  const old = parseLooseVersion(version) !== undefined && !versionAtLeast(version, '20.10');
  return old
    ? warn(`version ${version}`, 'upgrade Docker Engine to 20.10 or newer')
    : pass(`version ${version}`);
});

const dockerInstallation = check(
  'docker-install',
  'Docker installation',
  ['snapDocker', 'docker'],
  ({ snapDocker, docker }) => {
    if (snapDocker) {
      return fail(
        'Docker is the snap package, which Sysbox does not support',
        'sudo snap remove docker, then install Docker natively (apt)',
      );
    }
    if (docker.reachable && docker.info.rootless) {
      return fail(
        'rootless Docker, which Sysbox does not support',
        'use the system (rootful) Docker daemon; Sysbox provides the isolation rootless mode aims for',
      );
    }
    return pass(docker.reachable ? 'native, rootful' : 'not checked (engine not reachable)');
  },
);

const filesystem = check('filesystem', 'filesystem under /var/lib', ['varLibFs'], ({ varLibFs: fs }) =>
  fs === 'ext4' || fs === 'btrfs'
    ? pass(fs)
    : warn(
        `${fs ?? 'unknown'}; Sysbox keeps its data in /var/lib/sysbox and is tested on ext4 and btrfs`,
        'put /var/lib (or /var/lib/sysbox) on ext4 or btrfs',
      ),
);

const daemonJson = check('daemon-json', 'daemon.json', ['daemonJson'], ({ daemonJson: config }) => {
  if (config.state === 'invalid') {
    return fail(
      `${DAEMON_JSON} is not valid JSON: ${config.error}`,
      `fix ${DAEMON_JSON} (dockerd will not start with it either)`,
    );
  }
  if (config.state === 'ok' && config.usernsRemap !== undefined) {
    return warn(
      `userns-remap is set (${config.usernsRemap}); Sysbox does not need it and it limits every container`,
      `remove "userns-remap" from ${DAEMON_JSON} and restart Docker`,
    );
  }
  return pass(config.state === 'absent' ? 'absent (defaults)' : 'valid, no userns-remap');
});

const networkKeys = check(
  'network-keys',
  'bip / default-address-pools',
  ['runtimeIdentity', 'docker', 'daemonJson'],
  (facts) => {
    const sysboxReady = facts.runtimeIdentity?.kind === 'sysbox';
    const containers = facts.docker.reachable ? facts.docker.containers.length : 0;
    const config = facts.daemonJson;
    const hasKeys = config.state === 'ok' && config.hasBip && config.hasAddressPools;
    if (sysboxReady) return pass('Sysbox already installed');
    if (hasKeys) return pass('set in daemon.json');
    if (containers === 0) return pass('no containers exist, so the Sysbox installer may restart Docker');
    return warn(
      `${containers} container(s) exist and ${DAEMON_JSON} lacks bip and default-address-pools: the Sysbox installer would refuse (it must restart Docker to add them)`,
      'secure-dind bootstrap writes both keys first (keeping the current docker0 address), so Docker need not restart',
    );
  },
);

const apparmor = check('apparmor', 'AppArmor fusermount3', ['fusermount'], ({ fusermount }) =>
  fusermount === 'blocks-sysbox'
    ? warn(
        `${FUSERMOUNT_PROFILE} confines fusermount3 and does not allow /var/lib/sysboxfs: Sysbox containers fail to start`,
        `add "${FUSERMOUNT_SYSBOX_RULE.trim()}" to ${FUSERMOUNT_LOCAL} and run apparmor_parser -r ${FUSERMOUNT_PROFILE} (secure-dind bootstrap does this)`,
      )
    : pass(fusermount === 'none' ? 'no fusermount3 profile' : 'profile allows Sysbox mounts'),
);

export const HOST_CHECKS: readonly HostCheck[] = [
  architecture,
  distribution,
  kernel,
  idMappedMounts,
  systemd,
  dockerEngine,
  dockerInstallation,
  filesystem,
  daemonJson,
  networkKeys,
  apparmor,
  sysboxUnits,
  runtimeIsSysbox,
  sysboxVersion,
];

/** Judges host facts against what secure-dind needs (doctor's table). */
export function evaluateHost(facts: HostFacts): Check[] {
  return runChecks(HOST_CHECKS, facts);
}
