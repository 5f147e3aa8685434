/**
 * Installs or upgrades Sysbox CE: gather the host's state, plan (pure), then carry the plan out
 * through the injected edges and verify the result. Never stops or deletes a container.
 */
import { SystemError } from '../core/errors.js';
import {
  DEFAULT_RUNTIME,
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
import { DAEMON_JSON, FUSERMOUNT_LOCAL, FUSERMOUNT_PROFILE, SYSBOX_UNITS, type Check } from './doctor.js';
import type { CommandRunner, ContainerSummary, DockerProbe, Downloader, HostFiles } from './host.js';
import {
  FUSERMOUNT_SYSBOX_RULE,
  fusermountProfileState,
  parseDaemonJson,
  parseDockerInfo,
  parseDpkgQuery,
  parseIdMap,
  parseSystemctlIsActive,
  parseUnameMachine,
  rootIsRemapped,
  type DaemonJson,
  type FusermountProfile,
} from './preflight.js';

export const CACHE_DIR = '/var/cache/secure-dind';
export const DEFAULT_SMOKE_IMAGE = 'busybox:latest';

/**
 * Docker's built-in address pools (172.17-31.0.0/16 and 192.168.0.0/16 split into /20s). Writing
 * them out changes nothing about how Docker picks subnets, but satisfies the Sysbox installer.
 */
export const DOCKER_DEFAULT_ADDRESS_POOLS: readonly { base: string; size: number }[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: '192.168.0.0/16', size: 20 },
];

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

export async function gatherInstallState(
  edges: Omit<InstallEdges, 'downloader'>,
  runtime: string,
): Promise<InstallState> {
  const { runner, files, probe } = edges;
  const uname = await runner.run(['uname', '-m']);
  const dpkg = await runner.run(['dpkg-query', '-W', '-f', '${Status} ${Version}', SYSBOX_PACKAGE]);
  let info;
  try {
    info = parseDockerInfo(await probe.info());
  } catch (error) {
    throw new SystemError('the Docker engine is not reachable', {
      cause: error,
      hint: 'install and start Docker Engine first (the Sysbox installer registers itself with it)',
    });
  }
  const daemonJsonText = await files.read(DAEMON_JSON);
  const fusermountLocal = await files.read(FUSERMOUNT_LOCAL);
  return {
    machine: uname.exitCode === 0 ? parseUnameMachine(uname.stdout) : undefined,
    installedVersion: dpkg.exitCode === 0 ? parseDpkgQuery(dpkg.stdout) : undefined,
    runtimeRegistered: info !== undefined && runtime in info.runtimes,
    containers: await probe.containers(),
    daemonJson: parseDaemonJson(daemonJsonText),
    daemonJsonText,
    bridgeAddress: await probe.bridgeAddress(),
    fusermount: fusermountProfileState(await files.read(FUSERMOUNT_PROFILE), fusermountLocal),
    fusermountLocal,
  };
}

/** Decides what to do. Pure; throws when installing would need something we never do. */
export function planInstall(state: InstallState, request: InstallRequest): InstallPlan {
  const runtime = request.runtime ?? DEFAULT_RUNTIME;
  const notes: string[] = [];
  const arch: Arch | undefined = state.machine === undefined ? undefined : debianArch(state.machine);
  if (arch === undefined) {
    throw new SystemError(`architecture ${state.machine ?? 'unknown'} is not supported`, {
      hint: 'Sysbox packages exist for amd64 and arm64 only',
    });
  }
  if (state.daemonJson.state === 'invalid') {
    throw new SystemError(`${DAEMON_JSON} is not valid JSON: ${state.daemonJson.error}`, {
      hint: `fix ${DAEMON_JSON} first; nothing was changed`,
    });
  }
  const pkg = resolveSysboxPackage({
    version: request.version ?? DEFAULT_SYSBOX_VERSION,
    arch,
    url: request.url,
    sha256: request.sha256,
  });
  const installed = state.installedVersion;
  const satisfied =
    installed !== undefined &&
    (request.version === undefined
      ? versionAtLeast(installed, MIN_SYSBOX_VERSION)
      : compareVersions(installed, pkg.version) === 0);
  if (satisfied && state.runtimeRegistered) {
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
    const users = state.containers.filter((c) => c.runtime === runtime);
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

  const daemonJson = state.daemonJson;
  const hasKeys = daemonJson.state === 'ok' && daemonJson.hasBip && daemonJson.hasAddressPools;
  if (state.containers.length > 0 && !hasKeys) {
    const config: Record<string, unknown> = daemonJson.state === 'ok' ? { ...daemonJson.config } : {};
    if (!(daemonJson.state === 'ok' && daemonJson.hasBip)) {
      if (state.bridgeAddress === undefined) {
        throw new SystemError(
          `${state.containers.length} container(s) exist and ${DAEMON_JSON} has no "bip", but docker0's address is unknown`,
          {
            hint: `add "bip" (docker0's current address, e.g. "172.17.0.1/16") to ${DAEMON_JSON}, then rerun`,
          },
        );
      }
      config.bip = state.bridgeAddress;
    }
    if (!(daemonJson.state === 'ok' && daemonJson.hasAddressPools)) {
      config['default-address-pools'] = DOCKER_DEFAULT_ADDRESS_POOLS;
    }
    steps.push({
      kind: 'write-file',
      path: DAEMON_JSON,
      content: `${JSON.stringify(config, null, 2)}\n`,
      describe: `write bip ${String(config.bip)} and default-address-pools (Docker's current values) to ${DAEMON_JSON}, so the Sysbox installer need not restart Docker with ${state.containers.length} container(s) present`,
    });
  }

  if (state.fusermount === 'blocks-sysbox') {
    const current = state.fusermountLocal ?? '';
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

export type Log = (line: string) => void;

/** Carries out the steps in order; the first failure stops it. */
export async function executePlan(
  plan: InstallPlan,
  edges: InstallEdges,
  log: Log = () => undefined,
): Promise<void> {
  for (const step of plan.steps) {
    log(`- ${step.describe}`);
    switch (step.kind) {
      case 'download': {
        const result = await edges.downloader.download(step.url, edges.files.resolve(step.path));
        if (result.sha256 !== step.sha256) {
          await edges.files.remove(step.path);
          throw new SystemError(
            `sha256 mismatch for ${step.url}: expected ${step.sha256}, got ${result.sha256}; the file was deleted and nothing was installed`,
            {
              hint: 'the download was corrupted or replaced; retry, and if it persists check the URL and the digest (--url/--sha256)',
            },
          );
        }
        break;
      }
      case 'write-file': {
        await edges.files.write(step.path, step.content);
        break;
      }
      case 'run': {
        const result = await edges.runner.run(step.argv, { env: step.env });
        if (result.exitCode !== 0) {
          const tail = (result.stderr || result.stdout).trim().split('\n').slice(-8).join('\n');
          throw new SystemError(`${step.argv.join(' ')} failed with exit code ${result.exitCode}:\n${tail}`, {
            hint: 'nothing after this step ran; fix the cause and rerun secure-dind bootstrap (it is idempotent)',
          });
        }
        break;
      }
    }
  }
}

export interface VerifyOptions {
  readonly runtime: string;
  readonly smokeImage: string;
  /** How long to wait for the engine to list the runtime (the installer reloads Docker). */
  readonly waitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Checks what an install should have produced: units, registration, a user-namespaced container. */
export async function verifyRuntime(
  edges: Omit<InstallEdges, 'downloader'>,
  options: VerifyOptions,
): Promise<Check[]> {
  const checks: Check[] = [];
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const pid1 = (await edges.files.read('/proc/1/comm'))?.trim();
  if (pid1 === 'systemd') {
    const result = await edges.runner.run(['systemctl', 'is-active', ...SYSBOX_UNITS]);
    const states = parseSystemctlIsActive(SYSBOX_UNITS, result.stdout);
    const inactive = SYSBOX_UNITS.filter((unit) => states[unit] !== 'active');
    checks.push(
      inactive.length === 0
        ? { id: 'units', title: 'Sysbox units', status: 'pass', detail: `${SYSBOX_UNITS.join(', ')} active` }
        : {
            id: 'units',
            title: 'Sysbox units',
            status: 'fail',
            detail: inactive.map((unit) => `${unit}: ${states[unit]}`).join(', '),
            fix: 'see journalctl -u sysbox -u sysbox-mgr -u sysbox-fs',
          },
    );
  } else {
    checks.push({
      id: 'units',
      title: 'Sysbox units',
      status: 'warn',
      detail: `not checked: PID 1 is ${pid1 ?? 'unknown'}, not systemd`,
    });
  }

  const deadline = Date.now() + (options.waitMs ?? 20_000);
  let runtimes: Readonly<Record<string, string>> = {};
  for (;;) {
    runtimes = parseDockerInfo(await edges.probe.info())?.runtimes ?? {};
    if (options.runtime in runtimes || Date.now() >= deadline) break;
    await sleep(500);
  }
  const registered = options.runtime in runtimes;
  checks.push(
    registered
      ? {
          id: 'runtime',
          title: `runtime ${options.runtime}`,
          status: 'pass',
          detail: `registered: ${runtimes[options.runtime]}`,
        }
      : {
          id: 'runtime',
          title: `runtime ${options.runtime}`,
          status: 'fail',
          detail: 'the engine does not list it',
          fix: `check ${DAEMON_JSON} has runtimes.${options.runtime} and send dockerd SIGHUP (systemctl reload docker)`,
        },
  );

  if (registered) {
    try {
      const text = await edges.probe.smokeUidMap(options.runtime, options.smokeImage);
      const mapping = text.trim().replace(/\s+/g, ' ');
      checks.push(
        rootIsRemapped(parseIdMap(text))
          ? {
              id: 'smoke',
              title: 'user namespace',
              status: 'pass',
              detail: `a ${options.runtime} container's uid_map: ${mapping}`,
            }
          : {
              id: 'smoke',
              title: 'user namespace',
              status: 'fail',
              detail: `a ${options.runtime} container runs without a user namespace (uid_map: ${mapping}); this runtime is not isolating like Sysbox`,
              fix: 'run secure-dind doctor to see what the runtime really is',
            },
      );
    } catch (error) {
      checks.push({
        id: 'smoke',
        title: 'user namespace',
        status: 'fail',
        detail: `smoke container under ${options.runtime} failed: ${error instanceof Error ? error.message : String(error)}`,
        fix: 'see journalctl -u sysbox-mgr -u sysbox-fs and the Docker daemon log',
      });
    }
  }
  return checks;
}

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
export async function bootstrapSysbox(
  edges: InstallEdges,
  options: BootstrapOptions = {},
): Promise<BootstrapOutcome> {
  const runtime = options.runtime ?? DEFAULT_RUNTIME;
  const log = options.log ?? (() => undefined);
  const state = await gatherInstallState(edges, runtime);
  const plan = planInstall(state, options);
  if (options.dryRun) return { plan, verification: [] };
  for (const note of plan.notes) log(note);
  await executePlan(plan, edges, log);
  const verification = await verifyRuntime(edges, {
    runtime,
    smokeImage: options.smokeImage ?? DEFAULT_SMOKE_IMAGE,
    waitMs: options.verifyWaitMs,
  });
  const failed = verification.filter((c) => c.status === 'fail');
  if (failed.length > 0) {
    throw new SystemError(`Sysbox verification failed: ${failed.map((c) => c.detail).join('; ')}`, {
      hint:
        failed
          .map((c) => c.fix)
          .filter(Boolean)
          .join('; ') || undefined,
    });
  }
  return { plan, verification };
}
