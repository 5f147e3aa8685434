/**
 * The one place that reads the host: machine, OS release, kernel, PID 1, filesystems, daemon.json,
 * the AppArmor fusermount3 profile, the Sysbox units and package, and the engine (info, containers
 * and their runtimes, docker0, a smoke container) through the engine port. What comes after works
 * on the plain HostFacts returned here: the checks, the install plan and the verification are pure.
 */
import { randomBytes } from 'node:crypto';
import { formatIpv4, parseCidr } from '../core/cidr.js';
import { SystemError } from '../core/errors.js';
import { resourceLabels } from '../core/names.js';
import type { EnginePort } from '../ports.js';
import { DEFAULT_RUNTIME, SYSBOX_PACKAGE } from './compat.js';
import type { CommandRunner, HostEdges } from './host.js';
import {
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

/** A container on the host and the OCI runtime it was created with. */
export interface HostContainer {
  readonly id: string;
  readonly name: string;
  readonly running: boolean;
  readonly runtime: string | undefined;
}

/** The engine's /info, or why it could not be had (the whole message; a check shows its first line). */
export type EngineFacts =
  | { readonly reachable: true; readonly info: DockerInfo }
  | { readonly reachable: false; readonly error: string };

/** Enough to tell whether sessions can start: the engine, and what the registered runtime really is. */
export interface RuntimeFacts {
  readonly runtimeName: string;
  readonly docker: EngineFacts;
  /** What the registered runtime binary says it is; undefined when it is not registered. */
  readonly runtimeIdentity: RuntimeIdentity | undefined;
}

/** A throwaway container's /proc/self/uid_map under the runtime, or why it did not run. */
export type SmokeResult = { readonly uidMap: string } | { readonly error: string };

export interface HostFacts extends RuntimeFacts {
  readonly machine: string | undefined;
  readonly osRelease: OsRelease | undefined;
  readonly kernel: string | undefined;
  readonly shiftfs: boolean;
  readonly pid1: string | undefined;
  readonly docker:
    | {
        readonly reachable: true;
        readonly info: DockerInfo;
        readonly containers: readonly HostContainer[];
      }
    | { readonly reachable: false; readonly error: string };
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
export const SYSBOX_UNITS = ['sysbox', 'sysbox-mgr', 'sysbox-fs'] as const;
export const DAEMON_JSON = '/etc/docker/daemon.json';
export const FUSERMOUNT_PROFILE = '/etc/apparmor.d/fusermount3';
export const FUSERMOUNT_LOCAL = '/etc/apparmor.d/local/fusermount3';

export async function gatherRuntimeFacts(
  edges: Pick<HostEdges, 'runner' | 'engine'>,
  runtimeName: string,
): Promise<RuntimeFacts> {
  const docker = await readEngineInfo(edges.engine);
  return { runtimeName, docker, runtimeIdentity: await identifyRuntime(edges.runner, docker, runtimeName) };
}

export async function gatherHostFacts(
  edges: HostEdges,
  runtimeName = DEFAULT_RUNTIME,
  options: GatherOptions = {},
): Promise<HostFacts> {
  const { runner, files, engine } = edges;
  const uname = await runner.run(['uname', '-m']);
  const osText = (await files.read('/etc/os-release')) ?? (await files.read('/usr/lib/os-release'));
  const procVersion = await files.read('/proc/version');
  const filesystems = (await files.read('/proc/filesystems')) ?? '';
  const shiftfs = /\bshiftfs\b/.test(filesystems) || (await files.exists('/sys/module/shiftfs'));
  const mountinfo = await files.read('/proc/self/mountinfo');

  const engineFacts = await readEngineInfo(engine);
  let docker: HostFacts['docker'];
  try {
    docker = engineFacts.reachable
      ? { ...engineFacts, containers: await listContainers(engine) }
      : engineFacts;
  } catch (error) {
    docker = { reachable: false, error: messageOf(error) };
  }
  const snapDocker =
    (await files.exists('/snap/bin/docker')) ||
    (docker.reachable && (docker.info.dockerRootDir ?? '').startsWith('/var/snap/'));

  const systemctl = await runner.run(['systemctl', 'is-active', ...SYSBOX_UNITS]);
  const unitsKnown = systemctl.exitCode !== 127 && systemctl.stdout.trim() !== '';
  const runtimeIdentity = await identifyRuntime(runner, docker, runtimeName);
  const dpkg = await runner.run(['dpkg-query', '-W', '-f', '${Status} ${Version}', SYSBOX_PACKAGE]);
  const fusermountLocal = await files.read(FUSERMOUNT_LOCAL);
  const registered = docker.reachable && runtimeName in docker.info.runtimes;

  return {
    machine: uname.exitCode === 0 ? parseUnameMachine(uname.stdout) : undefined,
    osRelease: osText === undefined ? undefined : parseOsRelease(osText),
    kernel: procVersion === undefined ? undefined : parseProcVersion(procVersion),
    shiftfs,
    pid1: (await files.read('/proc/1/comm'))?.trim() || undefined,
    docker,
    bridgeAddress: docker.reachable ? await bridgeAddress(engine) : undefined,
    snapDocker,
    varLibFs: mountinfo === undefined ? undefined : filesystemFromMountinfo(mountinfo, '/var/lib/sysbox'),
    daemonJson: parseDaemonJson(await files.read(DAEMON_JSON)),
    fusermount: fusermountProfileState(await files.read(FUSERMOUNT_PROFILE), fusermountLocal),
    fusermountLocal,
    units: unitsKnown ? parseSystemctlIsActive(SYSBOX_UNITS, systemctl.stdout) : undefined,
    runtimeName,
    runtimeIdentity,
    packageVersion: dpkg.exitCode === 0 ? parseDpkgQuery(dpkg.stdout) : undefined,
    ...(options.smokeImage !== undefined && registered
      ? { smoke: await smokeUidMap(engine, runtimeName, options.smokeImage) }
      : {}),
  };
}

/** Whether the engine lists the runtime; false when it cannot be asked. For waiting on a reload. */
export async function runtimeRegistered(engine: EnginePort, runtimeName: string): Promise<boolean> {
  const docker = await readEngineInfo(engine);
  return docker.reachable && runtimeName in docker.info.runtimes;
}

/** The error for facts that say the engine is not reachable, with what to do about it. */
export function engineUnreachable(docker: { readonly error: string }, hint: string): SystemError {
  return new SystemError('the Docker engine is not reachable', { cause: new Error(docker.error), hint });
}

async function readEngineInfo(engine: EnginePort): Promise<EngineFacts> {
  try {
    const info = parseDockerInfo(await engine.info());
    if (info === undefined) throw new Error('the engine answered /info with something that is not JSON');
    return { reachable: true, info };
  } catch (error) {
    return { reachable: false, error: messageOf(error) };
  }
}

async function identifyRuntime(
  runner: CommandRunner,
  docker: EngineFacts,
  runtimeName: string,
): Promise<RuntimeIdentity | undefined> {
  const path = docker.reachable ? docker.info.runtimes[runtimeName] : undefined;
  if (path === undefined) return undefined;
  const version = await runner.run([path || runtimeName, '--version']);
  return parseRuntimeVersion(version.exitCode === 0 ? version.stdout : '');
}

async function listContainers(engine: EnginePort): Promise<HostContainer[]> {
  const result: HostContainer[] = [];
  for (const entry of await engine.listContainers({})) {
    const container = await engine.inspectContainer(entry.id);
    if (!container) continue; // removed between list and inspect
    result.push({
      id: entry.id,
      name: entry.name,
      running: entry.state === 'running',
      runtime: container.runtime,
    });
  }
  return result;
}

async function bridgeAddress(engine: EnginePort): Promise<string | undefined> {
  const bridge = await engine.inspectNetwork('bridge').catch(() => undefined);
  const subnet = parseCidr(bridge?.subnets[0] ?? '');
  if (!bridge || !subnet) return undefined;
  // Docker omits Gateway for the default bridge unless bip is set: docker0 then has the first address.
  return `${bridge.gateways[0] ?? formatIpv4(subnet.base + 1)}/${subnet.prefix}`;
}

async function smokeUidMap(engine: EnginePort, runtime: string, image: string): Promise<SmokeResult> {
  try {
    if (!(await engine.imageExists(image))) await engine.pullImage(image);
    const now = new Date();
    const { statusCode, output } = await engine.runToCompletion(
      `secure-dind-smoke-${randomBytes(4).toString('hex')}`,
      {
        Image: image,
        Cmd: ['cat', '/proc/self/uid_map'],
        Labels: resourceLabels({
          sessionId: `smoke-${randomBytes(4).toString('hex')}`,
          role: 'scratch',
          createdAt: now,
          deadline: new Date(now.getTime() + 5 * 60_000),
        }),
        HostConfig: { Runtime: runtime, NetworkMode: 'none' },
      },
    );
    if (statusCode !== 0) {
      return { error: `smoke container under ${runtime} exited with ${statusCode}: ${output.trim()}` };
    }
    return { uidMap: output.replace(/\r/g, '') };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
