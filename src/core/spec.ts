/**
 * The DinD container's specification, as the body of the Engine API's POST /containers/create.
 * Pure. Security properties are decided here and only here: never privileged, no engine socket or
 * other host path, no host namespaces, the configured runtime, and resource limits.
 */
import { CERT_FILES, type CertFileContents, certFileMode } from './cert-files.js';
import type { SessionConfig } from './config.js';
import type { InnerRanges } from './subnets.js';
import { makeTar } from './tar.js';

/** Where the docker:dind contract expects its TLS directory. */
export const CERT_DIR_IN_CONTAINER = '/certs';
export const DAEMON_TLS_PORT = 2376;

export interface ContainerCreateBody {
  Image: string;
  Hostname?: string;
  Env: string[];
  Cmd?: string[];
  Labels: Record<string, string>;
  StopTimeout?: number;
  HostConfig: {
    Runtime: string;
    Privileged: false;
    NetworkMode: string;
    Mounts: { Type: 'volume'; Source: string; Target: string }[];
    Binds?: never;
    PidMode?: never;
    IpcMode?: 'private';
    UTSMode?: never;
    UsernsMode?: never;
    CgroupnsMode?: 'private';
    NanoCpus?: number;
    Memory?: number;
    PidsLimit: number;
    PublishAllPorts: false;
    RestartPolicy: { Name: 'no' };
    Init?: boolean;
  };
  NetworkingConfig: {
    EndpointsConfig: Record<string, { Aliases?: string[]; IPAMConfig?: { IPv4Address: string } }>;
  };
}

export interface DaemonSpecInput {
  readonly config: SessionConfig;
  readonly labels: Record<string, string>;
  readonly volumeName: string;
  readonly networkName: string;
  /** Fixed address on a network secure-dind created; undefined on a joined network. */
  readonly daemonIp: string | undefined;
  readonly aliases: readonly string[];
}

export function daemonContainerSpec(input: DaemonSpecInput): ContainerCreateBody {
  const { config } = input;
  const endpoint: { Aliases?: string[]; IPAMConfig?: { IPv4Address: string } } = {};
  if (input.aliases.length) endpoint.Aliases = [...input.aliases];
  if (input.daemonIp) endpoint.IPAMConfig = { IPv4Address: input.daemonIp };
  return {
    Image: config.image,
    Hostname: 'docker',
    Env: [`DOCKER_TLS_CERTDIR=${CERT_DIR_IN_CONTAINER}`],
    Labels: input.labels,
    StopTimeout: config.stopTimeoutSeconds,
    HostConfig: {
      Runtime: config.runtime,
      Privileged: false,
      NetworkMode: input.networkName,
      Mounts: [{ Type: 'volume', Source: input.volumeName, Target: '/var/lib/docker' }],
      IpcMode: 'private',
      // Docker 20.10 on a cgroup v1 host defaults to the host's cgroup namespace: ask for our own.
      CgroupnsMode: 'private',
      ...(config.cpus !== undefined ? { NanoCpus: Math.round(config.cpus * 1e9) } : {}),
      ...(config.memory !== undefined ? { Memory: config.memory } : {}),
      PidsLimit: config.pidsLimit,
      PublishAllPorts: false,
      RestartPolicy: { Name: 'no' },
    },
    NetworkingConfig: { EndpointsConfig: { [input.networkName]: endpoint } },
  };
}

/**
 * How long a job's leftover containers get between SIGTERM and SIGKILL at teardown: the job is over,
 * a second is enough for a well-behaved process to exit, and the rest of the grace period is for
 * dockerd to flush /var/lib/docker. With a stop timeout under 2 s they are killed at once.
 */
export function innerContainerStopSeconds(stopTimeoutSeconds: number): number {
  return Math.min(1, Math.floor(stopTimeoutSeconds / 2));
}

/** The inner daemon.json: the user's settings plus the ones secure-dind owns. */
export function innerDaemonJson(
  config: SessionConfig,
  ranges: InnerRanges,
  mtu: number,
): Record<string, unknown> {
  return {
    'shutdown-timeout': innerContainerStopSeconds(config.stopTimeoutSeconds),
    ...config.daemonConfig,
    bip: ranges.bip,
    'default-address-pools': ranges.defaultAddressPools,
    mtu,
  };
}

/** What makes a container spec unsafe, in words; empty when it is safe. For tests and asserts. */
export function unsafeSpecReasons(body: { HostConfig?: Record<string, unknown> }): string[] {
  const host = body.HostConfig ?? {};
  const reasons: string[] = [];
  if (host.Privileged) reasons.push('privileged');
  for (const mode of ['NetworkMode', 'PidMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'CgroupnsMode']) {
    if (host[mode] === 'host') reasons.push(`${mode}=host`);
  }
  const binds = (host.Binds as string[] | undefined) ?? [];
  if (binds.length) reasons.push('host bind mounts');
  const mounts = (host.Mounts as { Type?: string }[] | undefined) ?? [];
  if (mounts.some((mount) => mount.Type === 'bind')) reasons.push('host bind mounts');
  const capAdd = (host.CapAdd as string[] | undefined) ?? [];
  if (capAdd.length) reasons.push('added capabilities');
  if (((host.Devices as unknown[] | undefined) ?? []).length) reasons.push('host devices');
  return reasons;
}

/**
 * What is copied into the DinD container before it starts (extracted at /): the inner daemon.json
 * and the server certificates where the docker:dind contract looks for them. Existing parents keep
 * their usual modes; the server directory and key are private.
 */
export function daemonFilesTar(daemonJson: Record<string, unknown>, serverFiles: CertFileContents): Buffer {
  const serverDir = `${CERT_DIR_IN_CONTAINER.slice(1)}/server`;
  return makeTar([
    { path: 'etc/', mode: 0o755 },
    { path: 'etc/docker/', mode: 0o755 },
    { path: 'etc/docker/daemon.json', mode: 0o644, content: `${JSON.stringify(daemonJson, null, 2)}\n` },
    { path: `${CERT_DIR_IN_CONTAINER.slice(1)}/`, mode: 0o755 },
    { path: `${serverDir}/`, mode: 0o700 },
    ...Object.values(CERT_FILES).map((file) => ({
      path: `${serverDir}/${file}`,
      mode: certFileMode(file),
      content: serverFiles[file],
    })),
  ]);
}
