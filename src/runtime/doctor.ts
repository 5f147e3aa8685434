/**
 * Runtime assurance: gathers facts about the host (gatherHostFacts, side effects through the
 * injected edges) and judges them (evaluateHost, pure) into pass / warn / fail checks with the fix
 * in words.
 */
import {
  DEFAULT_RUNTIME,
  IDMAPPED_MOUNTS_KERNEL,
  MIN_SYSBOX_REASON,
  MIN_SYSBOX_VERSION,
  SYSBOX_PACKAGE,
  debianArch,
  isDebianFamily,
  kernelRequirement,
  parseLooseVersion,
  versionAtLeast,
} from './compat.js';
import type { CommandRunner, ContainerSummary, DockerProbe, HostFiles } from './host.js';
import {
  FUSERMOUNT_SYSBOX_RULE,
  filesystemFromMountinfo,
  fusermountProfileState,
  parseDaemonJson,
  parseDockerInfo,
  parseDpkgQuery,
  parseOsRelease,
  parseProcVersion,
  parseRuntimeVersion,
  parseSystemctlIsActive,
  parseUnameMachine,
  type DaemonJson,
  type DockerInfo,
  type FusermountProfile,
  type OsRelease,
  type RuntimeIdentity,
} from './preflight.js';

export const SYSBOX_UNITS = ['sysbox', 'sysbox-mgr', 'sysbox-fs'] as const;
export const DAEMON_JSON = '/etc/docker/daemon.json';
export const FUSERMOUNT_PROFILE = '/etc/apparmor.d/fusermount3';
export const FUSERMOUNT_LOCAL = '/etc/apparmor.d/local/fusermount3';

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
  readonly docker:
    | {
        readonly reachable: true;
        readonly info: DockerInfo;
        readonly containers: readonly ContainerSummary[];
      }
    | { readonly reachable: false; readonly error: string };
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

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

export async function gatherHostFacts(edges: HostEdges, runtimeName = DEFAULT_RUNTIME): Promise<HostFacts> {
  const { runner, files, probe } = edges;
  const uname = await runner.run(['uname', '-m']);
  const machine = uname.exitCode === 0 ? parseUnameMachine(uname.stdout) : undefined;
  const osText = (await files.read('/etc/os-release')) ?? (await files.read('/usr/lib/os-release'));
  const procVersion = await files.read('/proc/version');
  const filesystems = (await files.read('/proc/filesystems')) ?? '';
  const shiftfs = /\bshiftfs\b/.test(filesystems) || (await files.exists('/sys/module/shiftfs'));
  const pid1 = (await files.read('/proc/1/comm'))?.trim() || undefined;
  const mountinfo = await files.read('/proc/self/mountinfo');

  let docker: HostFacts['docker'];
  try {
    const info = parseDockerInfo(await probe.info());
    if (info === undefined) throw new Error('the engine answered /info with something that is not JSON');
    docker = { reachable: true, info, containers: await probe.containers() };
  } catch (error) {
    docker = { reachable: false, error: error instanceof Error ? firstLine(error.message) : String(error) };
  }

  const snapDocker =
    (await files.exists('/snap/bin/docker')) ||
    (docker.reachable && (docker.info.dockerRootDir ?? '').startsWith('/var/snap/'));

  let units: Record<string, string> | undefined;
  const systemctl = await runner.run(['systemctl', 'is-active', ...SYSBOX_UNITS]);
  if (systemctl.exitCode !== 127 && systemctl.stdout.trim() !== '') {
    units = parseSystemctlIsActive(SYSBOX_UNITS, systemctl.stdout);
  }

  let runtimeIdentity: RuntimeIdentity | undefined;
  const runtimePath = docker.reachable ? docker.info.runtimes[runtimeName] : undefined;
  if (runtimePath !== undefined) {
    const version = await runner.run([runtimePath || runtimeName, '--version']);
    runtimeIdentity = parseRuntimeVersion(version.exitCode === 0 ? version.stdout : '');
  }
  const dpkg = await runner.run(['dpkg-query', '-W', '-f', '${Status} ${Version}', SYSBOX_PACKAGE]);

  return {
    machine,
    osRelease: osText === undefined ? undefined : parseOsRelease(osText),
    kernel: procVersion === undefined ? undefined : parseProcVersion(procVersion),
    shiftfs,
    pid1,
    docker,
    snapDocker,
    varLibFs: mountinfo === undefined ? undefined : filesystemFromMountinfo(mountinfo, '/var/lib/sysbox'),
    daemonJson: parseDaemonJson(await files.read(DAEMON_JSON)),
    fusermount: fusermountProfileState(
      await files.read(FUSERMOUNT_PROFILE),
      await files.read(FUSERMOUNT_LOCAL),
    ),
    units,
    runtimeName,
    runtimeIdentity,
    packageVersion: dpkg.exitCode === 0 ? parseDpkgQuery(dpkg.stdout) : undefined,
  };
}

/** Judges host facts. Pure. */
export function evaluateHost(facts: HostFacts): Check[] {
  const checks: Check[] = [];
  const add = (check: Check) => checks.push(check);
  const runtime = facts.runtimeName;

  // Architecture
  const arch = facts.machine === undefined ? undefined : debianArch(facts.machine);
  add(
    arch
      ? { id: 'arch', title: 'architecture', status: 'pass', detail: `${facts.machine} (${arch})` }
      : {
          id: 'arch',
          title: 'architecture',
          status: 'fail',
          detail: `${facts.machine ?? 'unknown'} is not supported`,
          fix: 'Sysbox packages exist for amd64 (x86_64) and arm64 (aarch64) only',
        },
  );

  // Distro
  const os = facts.osRelease;
  const requirement = os ? kernelRequirement(os) : undefined;
  if (!os) {
    add({
      id: 'distro',
      title: 'distribution',
      status: 'fail',
      detail: 'no /etc/os-release',
      fix: 'use Ubuntu or Debian',
    });
  } else if (!isDebianFamily(os.id, os.idLike)) {
    add({
      id: 'distro',
      title: 'distribution',
      status: 'fail',
      detail: `${os.prettyName}: Sysbox ships .deb packages only`,
      fix: 'use Ubuntu 22.04/24.04 or Debian, or build Sysbox from source (Sysbox developer guide)',
    });
  } else if (requirement?.listed) {
    add({ id: 'distro', title: 'distribution', status: 'pass', detail: os.prettyName });
  } else {
    add({
      id: 'distro',
      title: 'distribution',
      status: 'warn',
      detail: `${os.prettyName} is not in Sysbox's list of tested releases`,
      fix: 'Ubuntu 24.04 or 22.04 are the best-trodden paths; other Debian-family releases usually work',
    });
  }

  // Kernel
  const kernelVersion = facts.kernel === undefined ? undefined : parseLooseVersion(facts.kernel);
  const minimum = requirement?.minimum ?? '5.5';
  if (kernelVersion === undefined) {
    add({
      id: 'kernel',
      title: 'kernel',
      status: 'fail',
      detail: 'kernel version unknown',
      fix: 'check /proc/version',
    });
  } else if (versionAtLeast(kernelVersion, minimum)) {
    add({
      id: 'kernel',
      title: 'kernel',
      status: 'pass',
      detail: `${facts.kernel} (minimum ${minimum} for ${requirement?.label ?? 'this distro'})`,
    });
  } else {
    add({
      id: 'kernel',
      title: 'kernel',
      status: 'fail',
      detail: `${facts.kernel} is older than ${minimum}, Sysbox's minimum for ${requirement?.label ?? 'this distro'}`,
      fix: `install a newer kernel (e.g. the distro's HWE kernel) and reboot`,
    });
  }

  // ID-mapped mounts or shiftfs
  if (kernelVersion !== undefined && versionAtLeast(kernelVersion, IDMAPPED_MOUNTS_KERNEL)) {
    add({
      id: 'idmap',
      title: 'ID-mapped mounts',
      status: 'pass',
      detail: `kernel ${IDMAPPED_MOUNTS_KERNEL}+ has them${facts.shiftfs ? '; shiftfs also present' : ''}`,
    });
  } else if (facts.shiftfs) {
    add({ id: 'idmap', title: 'ID-mapped mounts', status: 'pass', detail: 'shiftfs module present' });
  } else {
    add({
      id: 'idmap',
      title: 'ID-mapped mounts',
      status: 'fail',
      detail: `kernel older than ${IDMAPPED_MOUNTS_KERNEL} and no shiftfs`,
      fix: `upgrade to kernel ${IDMAPPED_MOUNTS_KERNEL}+ or install the shiftfs module`,
    });
  }

  // systemd
  add(
    facts.pid1 === 'systemd'
      ? { id: 'systemd', title: 'systemd as PID 1', status: 'pass', detail: 'systemd' }
      : {
          id: 'systemd',
          title: 'systemd as PID 1',
          status: 'fail',
          detail: `PID 1 is ${facts.pid1 ?? 'unknown'}`,
          fix: 'the Sysbox package runs its daemons as systemd units; use a host (or VM) booted with systemd',
        },
  );

  // Docker engine
  const docker = facts.docker;
  if (!docker.reachable) {
    add({
      id: 'docker',
      title: 'Docker engine',
      status: 'fail',
      detail: `not reachable: ${docker.error}`,
      fix: "install Docker Engine (apt install docker.io, or docker-ce from Docker's repository) and start it; check /var/run/docker.sock permissions",
    });
  } else {
    const version = docker.info.serverVersion ?? 'unknown';
    const old = parseLooseVersion(version) !== undefined && !versionAtLeast(version, '20.10');
    add(
      old
        ? {
            id: 'docker',
            title: 'Docker engine',
            status: 'warn',
            detail: `version ${version}`,
            fix: 'upgrade Docker Engine to 20.10 or newer',
          }
        : { id: 'docker', title: 'Docker engine', status: 'pass', detail: `version ${version}` },
    );
  }
  if (facts.snapDocker) {
    add({
      id: 'docker-install',
      title: 'Docker installation',
      status: 'fail',
      detail: 'Docker is the snap package, which Sysbox does not support',
      fix: 'sudo snap remove docker, then install Docker natively (apt)',
    });
  } else if (docker.reachable && docker.info.rootless) {
    add({
      id: 'docker-install',
      title: 'Docker installation',
      status: 'fail',
      detail: 'rootless Docker, which Sysbox does not support',
      fix: 'use the system (rootful) Docker daemon; Sysbox provides the isolation rootless mode aims for',
    });
  } else {
    add({
      id: 'docker-install',
      title: 'Docker installation',
      status: 'pass',
      detail: docker.reachable ? 'native, rootful' : 'not checked (engine not reachable)',
    });
  }

  // Filesystem under /var/lib
  const fs = facts.varLibFs;
  add(
    fs === 'ext4' || fs === 'btrfs'
      ? { id: 'filesystem', title: 'filesystem under /var/lib', status: 'pass', detail: fs }
      : {
          id: 'filesystem',
          title: 'filesystem under /var/lib',
          status: 'warn',
          detail: `${fs ?? 'unknown'}; Sysbox keeps its data in /var/lib/sysbox and is tested on ext4 and btrfs`,
          fix: 'put /var/lib (or /var/lib/sysbox) on ext4 or btrfs',
        },
  );

  // daemon.json
  const daemonJson = facts.daemonJson;
  if (daemonJson.state === 'invalid') {
    add({
      id: 'daemon-json',
      title: 'daemon.json',
      status: 'fail',
      detail: `${DAEMON_JSON} is not valid JSON: ${daemonJson.error}`,
      fix: `fix ${DAEMON_JSON} (dockerd will not start with it either)`,
    });
  } else if (daemonJson.state === 'ok' && daemonJson.usernsRemap !== undefined) {
    add({
      id: 'daemon-json',
      title: 'daemon.json',
      status: 'warn',
      detail: `userns-remap is set (${daemonJson.usernsRemap}); Sysbox does not need it and it limits every container`,
      fix: `remove "userns-remap" from ${DAEMON_JSON} and restart Docker`,
    });
  } else {
    add({
      id: 'daemon-json',
      title: 'daemon.json',
      status: 'pass',
      detail: daemonJson.state === 'absent' ? 'absent (defaults)' : 'valid, no userns-remap',
    });
  }

  // Existing containers vs. bip / default-address-pools
  const sysboxReady = facts.runtimeIdentity?.kind === 'sysbox';
  const containerCount = docker.reachable ? docker.containers.length : 0;
  const hasNetworkKeys = daemonJson.state === 'ok' && daemonJson.hasBip && daemonJson.hasAddressPools;
  if (sysboxReady || containerCount === 0 || hasNetworkKeys) {
    add({
      id: 'network-keys',
      title: 'bip / default-address-pools',
      status: 'pass',
      detail: sysboxReady
        ? 'Sysbox already installed'
        : hasNetworkKeys
          ? 'set in daemon.json'
          : 'no containers exist, so the Sysbox installer may restart Docker',
    });
  } else {
    add({
      id: 'network-keys',
      title: 'bip / default-address-pools',
      status: 'warn',
      detail: `${containerCount} container(s) exist and ${DAEMON_JSON} lacks bip and default-address-pools: the Sysbox installer would refuse (it must restart Docker to add them)`,
      fix: 'secure-dind bootstrap writes both keys first (keeping the current docker0 address), so Docker need not restart',
    });
  }

  // AppArmor fusermount3
  add(
    facts.fusermount === 'blocks-sysbox'
      ? {
          id: 'apparmor',
          title: 'AppArmor fusermount3',
          status: 'warn',
          detail: `${FUSERMOUNT_PROFILE} confines fusermount3 and does not allow /var/lib/sysboxfs: Sysbox containers fail to start`,
          fix: `add "${FUSERMOUNT_SYSBOX_RULE.trim()}" to ${FUSERMOUNT_LOCAL} and run apparmor_parser -r ${FUSERMOUNT_PROFILE} (secure-dind bootstrap does this)`,
        }
      : {
          id: 'apparmor',
          title: 'AppArmor fusermount3',
          status: 'pass',
          detail: facts.fusermount === 'none' ? 'no fusermount3 profile' : 'profile allows Sysbox mounts',
        },
  );

  // Sysbox units
  const units = facts.units;
  const inactive = units ? SYSBOX_UNITS.filter((unit) => units[unit] !== 'active') : [...SYSBOX_UNITS];
  add(
    inactive.length === 0
      ? { id: 'units', title: 'Sysbox units', status: 'pass', detail: SYSBOX_UNITS.join(', ') + ' active' }
      : {
          id: 'units',
          title: 'Sysbox units',
          status: 'fail',
          detail: units
            ? inactive.map((unit) => `${unit}: ${units[unit]}`).join(', ')
            : `cannot ask systemd (${facts.pid1 === 'systemd' ? 'systemctl failed' : 'systemd is not PID 1'})`,
          fix: facts.packageVersion
            ? 'sudo systemctl restart sysbox; see journalctl -u sysbox-mgr -u sysbox-fs'
            : 'secure-dind bootstrap installs Sysbox',
        },
  );

  // Runtime registered and what it really is
  const registered = docker.reachable && runtime in docker.info.runtimes;
  const identity = facts.runtimeIdentity;
  if (!docker.reachable) {
    add({
      id: 'runtime',
      title: `runtime ${runtime}`,
      status: 'fail',
      detail: 'not checked (engine not reachable)',
      fix: 'start Docker first',
    });
  } else if (!registered) {
    add({
      id: 'runtime',
      title: `runtime ${runtime}`,
      status: 'fail',
      detail: `not registered with the engine (runtimes: ${Object.keys(docker.info.runtimes).join(', ') || 'none'})`,
      fix: 'secure-dind bootstrap installs Sysbox, whose installer registers it',
    });
  } else if (identity?.kind === 'sysbox') {
    add({
      id: 'runtime',
      title: `runtime ${runtime}`,
      status: 'pass',
      detail: `registered (${docker.info.runtimes[runtime] || runtime}): Sysbox ${identity.version}, ${identity.edition}`,
    });
  } else {
    add({
      id: 'runtime',
      title: `runtime ${runtime}`,
      status: 'fail',
      detail: `runtime ${runtime} is registered but is not Sysbox: ${docker.info.runtimes[runtime] || runtime} reports "${identity?.firstLine ?? 'nothing'}"`,
      fix: `sessions would run without Sysbox's isolation; remove that entry from ${DAEMON_JSON} and run secure-dind bootstrap`,
    });
  }

  // Sysbox version
  const installed = identity?.kind === 'sysbox' ? identity.version : facts.packageVersion;
  if (installed === undefined || parseLooseVersion(installed) === undefined) {
    add({
      id: 'sysbox-version',
      title: 'Sysbox version',
      status: 'fail',
      detail: 'Sysbox is not installed',
      fix: `secure-dind bootstrap installs Sysbox CE ${MIN_SYSBOX_VERSION}`,
    });
  } else if (versionAtLeast(installed, MIN_SYSBOX_VERSION)) {
    add({
      id: 'sysbox-version',
      title: 'Sysbox version',
      status: 'pass',
      detail: `${installed} (minimum ${MIN_SYSBOX_VERSION})`,
    });
  } else {
    add({
      id: 'sysbox-version',
      title: 'Sysbox version',
      status: 'fail',
      detail: `${installed} is older than ${MIN_SYSBOX_VERSION} (${MIN_SYSBOX_REASON})`,
      fix: 'secure-dind bootstrap upgrades it (after the Sysbox containers on this host are gone)',
    });
  }
  return checks;
}

export function worstStatus(checks: readonly Check[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warn')) return 'warn';
  return 'pass';
}

/** A plain-text table: status, check, detail, and the fix on its own line. */
export function renderChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.title.length));
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${check.status.toUpperCase().padEnd(4)}  ${check.title.padEnd(width)}  ${check.detail}`);
    if (check.fix && check.status !== 'pass') lines.push(`${' '.repeat(6 + width)}  fix: ${check.fix}`);
  }
  const worst = worstStatus(checks);
  const counts = (['pass', 'warn', 'fail'] as const).map(
    (s) => `${checks.filter((c) => c.status === s).length} ${s}`,
  );
  lines.push('', `${worst === 'fail' ? 'NOT READY' : 'READY'}: ${counts.join(', ')}`);
  return lines.join('\n') + '\n';
}
