/**
 * The only module that talks to the Docker Engine API (through dockerode). One method per call the
 * product makes; each is logged at debug level and failures are rethrown as SystemError naming the
 * call, with the engine's error as the cause. A 404 on removal counts as done (idempotent cleanup).
 */
import Docker from 'dockerode';
import { Agent } from 'node:https';
import { PassThrough } from 'node:stream';
import { SystemError } from '../core/errors.js';
import type { ContainerCreateBody } from '../core/spec.js';
import { NameConflict } from '../core/errors.js';
import type {
  ContainerState,
  ContainerSummary,
  DaemonAddress,
  DiskUsage,
  EnginePort,
  EngineVersion,
  ExecIo,
  ImageConfig,
  Logger,
  NetworkInfo,
  RegistryAuthConfig,
  TlsClientFiles,
  VolumeInfo,
} from '../ports.js';

/** How long a disk usage measurement waits for another one to finish: up to 60 s. */
const DISK_USAGE_RETRY_MS = 250;
const DISK_USAGE_ATTEMPTS = 240;

function isStatus(error: unknown, status: number): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === status;
}

function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } } | undefined)?.json;
  if (json?.message) return json.message;
  return error instanceof Error ? error.message : String(error);
}

function labelFilter(labels: Record<string, string | undefined>): string[] {
  return Object.entries(labels).map(([key, value]) => (value === undefined ? key : `${key}=${value}`));
}

export function dockerodeOptions(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
}

/**
 * A job's daemon over mutual TLS: one agent pinned to the session's CA and client certificate
 * (and to the name "docker" when the address is an IP the certificate may not name).
 */
export function connectDaemonOverTls(
  address: DaemonAddress,
  tls: TlsClientFiles,
  options: { timeoutMs?: number; log?: Logger } = {},
): DockerEngine {
  const agent = new Agent({
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    keepAlive: true,
    ...(address.servername ? { servername: address.servername } : {}),
  });
  // docker-modem takes an agent (its types do not say so): the agent's servername and keep-alive apply.
  const docker = new Docker({
    host: address.host,
    port: address.port,
    protocol: 'https',
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    agent,
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  } as Docker.DockerOptions);
  return new DockerEngine(`tcp://${address.host}:${address.port}`, options.log, { docker, agent });
}

export class DockerEngine implements EnginePort {
  readonly host: string;
  private readonly docker: Docker;
  private readonly agent: Agent | undefined;
  private readonly log: Logger | undefined;

  constructor(host: string, log?: Logger, client?: { docker: Docker; agent: Agent }) {
    this.host = host;
    this.docker = client?.docker ?? new Docker(dockerodeOptions(host));
    this.agent = client?.agent;
    this.log = log;
  }

  close(): void {
    this.agent?.destroy();
  }

  private async call<T>(what: string, action: () => Promise<T>): Promise<T> {
    this.log?.debug(`engine: ${what}`);
    try {
      return await action();
    } catch (error) {
      if (error instanceof NameConflict) throw error;
      const unreachable = /ECONNREFUSED|ENOENT|EACCES|socket hang up/.test(String(error));
      throw new SystemError(`Docker engine call failed: ${what}: ${engineMessage(error)}`, {
        cause: error,
        ...(unreachable ? { hint: `Is the Docker engine running and reachable at ${this.host}?` } : {}),
      });
    }
  }

  /** Like call, but a 404 (already gone) is success: returns false. */
  private async remove(what: string, action: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.call(what, action);
      return true;
    } catch (error) {
      if (isStatus((error as { cause?: unknown }).cause, 404)) return false;
      throw error;
    }
  }

  version(): Promise<EngineVersion> {
    return this.call('version', async () => {
      const v = await this.docker.version();
      return { version: v.Version, apiVersion: v.ApiVersion };
    });
  }

  /** The engine's GET /info, as it answers. */
  info(): Promise<Record<string, unknown>> {
    return this.call('info', async () => (await this.docker.info()) as Record<string, unknown>);
  }

  /** The engine's version and the names of its runtimes, from one GET /info. */
  async versionAndRuntimes(): Promise<{ version: string; runtimes: string[] }> {
    const info = (await this.info()) as { ServerVersion?: string; Runtimes?: Record<string, unknown> };
    return { version: info.ServerVersion ?? 'unknown', runtimes: Object.keys(info.Runtimes ?? {}) };
  }

  imageExists(image: string): Promise<boolean> {
    return this.call(`inspect image ${image}`, async () => {
      try {
        await this.docker.getImage(image).inspect();
        return true;
      } catch (error) {
        if (isStatus(error, 404)) return false;
        throw error;
      }
    });
  }

  /** The parts of an image's configuration a container's behaviour depends on; undefined when absent. */
  imageConfig(image: string): Promise<ImageConfig | undefined> {
    return this.call(`inspect image ${image}`, async () => {
      try {
        const config = (await this.docker.getImage(image).inspect()).Config as {
          Entrypoint?: string[] | string | null;
          ExposedPorts?: Record<string, unknown> | null;
        };
        const entrypoint = config.Entrypoint;
        return {
          entrypoint: typeof entrypoint === 'string' ? [entrypoint] : (entrypoint ?? []),
          exposedPorts: Object.keys(config.ExposedPorts ?? {}),
        };
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    });
  }

  /**
   * Pulls an image (":latest" when it names no tag, as the docker CLI does). The registry
   * credentials go only into the request's X-Registry-Auth header, never into a message.
   */
  pullImage(image: string, auth?: RegistryAuthConfig): Promise<void> {
    return this.call(`pull ${image}`, async () => {
      const stream = await this.docker.pull(image, auth ? { authconfig: auth } : {});
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
          const failed = error ?? output.find((event) => event.error)?.error;
          if (failed) reject(failed instanceof Error ? failed : new Error(failed));
          else resolve();
        });
      });
    });
  }

  listNetworks(labels?: Record<string, string | undefined>): Promise<NetworkInfo[]> {
    return this.call('list networks', async () => {
      const networks = await this.docker.listNetworks(
        labels ? { filters: { label: labelFilter(labels) } } : {},
      );
      return networks.map(toNetworkInfo);
    });
  }

  inspectNetwork(name: string): Promise<NetworkInfo | undefined> {
    return this.call(`inspect network ${name}`, async () => {
      try {
        return toNetworkInfo(await this.docker.getNetwork(name).inspect());
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    });
  }

  /**
   * Creates a bridge network, on a given subnet or one the engine picks; returns false when the
   * subnet is taken (a race with another launch).
   */
  createNetwork(spec: {
    name: string;
    labels: Record<string, string>;
    subnet?: { subnet: string; gateway: string };
    mtu?: number;
  }): Promise<boolean> {
    return this.call(`create network ${spec.name}`, async () => {
      try {
        await this.docker.createNetwork({
          Name: spec.name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Labels: spec.labels,
          ...(spec.subnet
            ? {
                IPAM: {
                  Driver: 'default',
                  Config: [{ Subnet: spec.subnet.subnet, Gateway: spec.subnet.gateway }],
                },
              }
            : {}),
          ...(spec.mtu ? { Options: { 'com.docker.network.driver.mtu': String(spec.mtu) } } : {}),
        });
        return true;
      } catch (error) {
        if (/overlap/i.test(engineMessage(error))) return false;
        throw error;
      }
    });
  }

  removeNetwork(name: string): Promise<boolean> {
    return this.remove(`remove network ${name}`, () => this.docker.getNetwork(name).remove());
  }

  connectNetwork(network: string, container: string, aliases: readonly string[] = []): Promise<void> {
    return this.call(`connect ${container} to ${network}`, async () => {
      await this.docker
        .getNetwork(network)
        .connect({ Container: container, EndpointConfig: { Aliases: [...aliases] } });
    });
  }

  disconnectNetwork(network: string, container: string): Promise<boolean> {
    return this.remove(`disconnect ${container} from ${network}`, () =>
      this.docker.getNetwork(network).disconnect({ Container: container, Force: true }),
    );
  }

  inspectVolume(name: string): Promise<VolumeInfo | undefined> {
    return this.call(`inspect volume ${name}`, async () => {
      try {
        const v = (await this.docker.getVolume(name).inspect()) as {
          Name: string;
          Labels?: Record<string, string> | null;
          CreatedAt?: string;
        };
        return { name: v.Name, labels: v.Labels ?? {}, createdAt: v.CreatedAt };
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    });
  }

  /** Creates a volume; a volume of that name that already exists is returned unchanged. */
  createVolume(name: string, labels: Record<string, string>): Promise<void> {
    return this.call(`create volume ${name}`, async () => {
      await this.docker.createVolume({ Name: name, Labels: labels });
    });
  }

  removeVolume(name: string): Promise<boolean> {
    return this.remove(`remove volume ${name}`, () => this.docker.getVolume(name).remove());
  }

  listVolumes(labels: Record<string, string | undefined>): Promise<VolumeInfo[]> {
    return this.call('list volumes', async () => {
      const result = await this.docker.listVolumes({ filters: { label: labelFilter(labels) } });
      return (result.Volumes ?? []).map((v) => ({
        name: v.Name,
        labels: v.Labels ?? {},
        createdAt: (v as { CreatedAt?: string }).CreatedAt,
      }));
    });
  }

  /** Volumes with their sizes and reference counts (GET /system/df; slower, it measures). */
  volumeUsage(): Promise<Map<string, { size: number; refCount: number }>> {
    return this.call('system df', async () => {
      const df = (await this.oneDiskUsageAtATime(() => this.docker.df())) as {
        Volumes?: { Name: string; UsageData?: { Size?: number; RefCount?: number } | null }[];
      };
      return new Map(
        (df.Volumes ?? []).map((v) => [
          v.Name,
          { size: Math.max(0, v.UsageData?.Size ?? 0), refCount: v.UsageData?.RefCount ?? 0 },
        ]),
      );
    });
  }

  diskUsage(): Promise<DiskUsage> {
    return this.call('system df', async () => {
      const df = (await this.oneDiskUsageAtATime(() => this.docker.df())) as {
        LayersSize?: number;
        Images?: unknown[] | null;
        Containers?: { SizeRw?: number }[] | null;
        Volumes?: { UsageData?: { Size?: number } | null }[] | null;
        BuildCache?: { Size?: number }[] | null;
      };
      const sum = <T>(items: T[] | null | undefined, size: (item: T) => number | undefined) =>
        (items ?? []).reduce((total, item) => total + Math.max(0, size(item) ?? 0), 0);
      return {
        images: (df.Images ?? []).length,
        layersBytes: df.LayersSize ?? 0,
        buildCacheBytes: sum(df.BuildCache, (entry) => entry.Size),
        containersBytes: sum(df.Containers, (container) => container.SizeRw),
        volumesBytes: sum(df.Volumes, (volume) => volume.UsageData?.Size),
      };
    });
  }

  pruneBuildCache(keepBytes: number): Promise<void> {
    return this.call('prune build cache', async () => {
      // dockerode's pruneBuilder drops its options: keep-storage goes in the query by hand.
      await new Promise((resolve, reject) =>
        this.docker.modem.dial(
          {
            path: `/build/prune?keep-storage=${Math.max(0, Math.floor(keepBytes))}`,
            method: 'POST',
            statusCodes: { 200: true, 500: 'server error' },
          },
          (error: unknown, data: unknown) => (error ? reject(error) : resolve(data)),
        ),
      );
    });
  }

  pruneUnusedImages(): Promise<void> {
    return this.call('prune unused images', async () => {
      await this.docker.pruneImages({ filters: { dangling: ['false'] } });
    });
  }

  /**
   * The engine runs one disk usage computation at a time and refuses a second one ("a disk usage
   * operation is already running"): concurrent teardowns applying the host budget wait their turn.
   */
  private async oneDiskUsageAtATime<T>(measure: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await measure();
      } catch (error) {
        if (
          attempt >= DISK_USAGE_ATTEMPTS ||
          !/disk usage operation is already running/i.test(engineMessage(error))
        )
          throw error;
        await new Promise((resolve) => setTimeout(resolve, DISK_USAGE_RETRY_MS));
      }
    }
  }

  /** Creates a container; throws NameConflict when the name is in use. Returns its id. */
  createContainer(name: string, body: ContainerCreateBody | Record<string, unknown>): Promise<string> {
    return this.call(`create container ${name}`, async () => {
      try {
        const container = await this.docker.createContainer({
          ...(body as Docker.ContainerCreateOptions),
          name,
        });
        return container.id;
      } catch (error) {
        if (isStatus(error, 409)) throw new NameConflict(`container name ${name} is in use`);
        throw error;
      }
    });
  }

  /** Extracts a tar archive into the container (works before it starts). */
  putArchive(container: string, path: string, tar: Buffer): Promise<void> {
    return this.call(`copy files into ${container}`, async () => {
      await this.docker.getContainer(container).putArchive(tar, { path });
    });
  }

  startContainer(container: string): Promise<void> {
    return this.call(`start container ${container}`, async () => {
      await this.docker.getContainer(container).start();
    });
  }

  inspectContainer(container: string): Promise<ContainerState | undefined> {
    return this.call(`inspect container ${container}`, async () => {
      try {
        const c = await this.docker.getContainer(container).inspect();
        return {
          id: c.Id,
          name: c.Name.replace(/^\//, ''),
          running: c.State.Running,
          status: c.State.Status,
          exitCode: c.State.ExitCode,
          labels: c.Config.Labels ?? {},
          hostConfig: c.HostConfig as unknown as Record<string, unknown>,
          runtime: (c.HostConfig as { Runtime?: string }).Runtime || undefined,
          networks: (c.NetworkSettings.Networks ?? {}) as Record<string, { IPAddress?: string }>,
          mounts: c.Mounts as ContainerState['mounts'],
        };
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    });
  }

  /** The last lines of the container's output (stdout and stderr), as text. */
  containerLogs(container: string, tail = 30): Promise<string> {
    return this.call(`logs of ${container}`, async () => {
      const raw = (await this.docker
        .getContainer(container)
        .logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
      return demultiplex(raw);
    });
  }

  /**
   * Follows a container's output (stdout and stderr together) from `since` until the signal
   * aborts or the container stops; each chunk goes to onData.
   */
  async followLogs(
    container: string,
    since: Date,
    onData: (chunk: Buffer) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const stream = (await this.call(`logs of ${container}`, () =>
      this.docker.getContainer(container).logs({
        stdout: true,
        stderr: true,
        follow: true,
        // The engine takes seconds.nanoseconds: a whole second would repeat the previous stage's lines.
        since: `${Math.floor(since.getTime() / 1000)}.${String(since.getTime() % 1000).padStart(3, '0')}000000`,
      }),
    )) as unknown as NodeJS.ReadableStream & { destroy(): void };
    const sink = new PassThrough();
    sink.on('data', onData);
    this.docker.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve) => {
      const stop = () => {
        stream.destroy();
        resolve();
      };
      if (signal.aborted) return stop();
      signal.addEventListener('abort', stop, { once: true });
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
  }

  listContainers(
    labels: Record<string, string | undefined>,
    options: { readonly runningOnly?: boolean } = {},
  ): Promise<ContainerSummary[]> {
    return this.call('list containers', async () => {
      const containers = await this.docker.listContainers({
        all: !options.runningOnly,
        filters: { label: labelFilter(labels) },
      });
      return containers.map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        state: c.State,
        labels: c.Labels ?? {},
        image: c.Image,
      }));
    });
  }

  /** Stops with SIGTERM, then SIGKILL after the grace period. A stopped or gone container is fine. */
  async stopContainer(container: string, graceSeconds: number): Promise<void> {
    try {
      await this.call(`stop container ${container}`, () =>
        this.docker.getContainer(container).stop({ t: graceSeconds }),
      );
    } catch (error) {
      const status = (error as { cause?: { statusCode?: number } }).cause?.statusCode;
      if (status === 304 || status === 404) return;
      throw error;
    }
  }

  /** Removes a container with its anonymous volumes; false when it was already gone. */
  removeContainer(container: string): Promise<boolean> {
    return this.remove(`remove container ${container}`, () =>
      this.docker.getContainer(container).remove({ force: true, v: true }),
    );
  }

  /** Runs a command in a running container, streaming its output; returns its exit status. */
  exec(container: string, cmd: readonly string[], io: ExecIo): Promise<number> {
    return this.call(`run a command in ${container}`, async () => {
      const exec = await this.docker.getContainer(container).exec({
        Cmd: [...cmd],
        AttachStdin: io.stdin !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      const stream = await exec.start({ hijack: true, stdin: io.stdin !== undefined });
      const ended = new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
      this.docker.modem.demuxStream(stream, io.stdout, io.stderr);
      if (io.stdin !== undefined) {
        if (Buffer.isBuffer(io.stdin)) stream.end(io.stdin);
        else io.stdin.pipe(stream);
      }
      await ended;
      // The stream can end a moment before the engine records the exit status.
      for (let attempt = 0; ; attempt++) {
        const info = await exec.inspect();
        if (!info.Running && info.ExitCode !== null) return info.ExitCode;
        if (attempt > 100) throw new Error('the command did not report an exit status');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
  }

  /** Creates, starts and waits for a short-lived container; returns its status and output, then removes it. */
  async runToCompletion(
    name: string,
    body: Record<string, unknown>,
  ): Promise<{ statusCode: number; output: string }> {
    const id = await this.createContainer(name, body);
    try {
      return await this.call(`run container ${name}`, async () => {
        const container = this.docker.getContainer(id);
        await container.start();
        const outcome = (await container.wait()) as { StatusCode?: number };
        const logs = (await container.logs({
          stdout: true,
          stderr: true,
          follow: false,
        })) as unknown as Buffer;
        return { statusCode: outcome.StatusCode ?? -1, output: demultiplex(logs) };
      });
    } finally {
      await this.removeContainer(id).catch(() => undefined);
    }
  }
}

interface RawNetwork {
  Name: string;
  Id: string;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  Containers?: Record<string, unknown> | null;
}

function toNetworkInfo(n: RawNetwork): NetworkInfo {
  return {
    name: n.Name,
    id: n.Id,
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => Boolean(s)),
    gateways: (n.IPAM?.Config ?? []).map((c) => c.Gateway).filter((g): g is string => Boolean(g)),
    mtu: Number(n.Options?.['com.docker.network.driver.mtu']) || undefined,
    labels: n.Labels ?? {},
    containers: Object.keys(n.Containers ?? {}),
  };
}

/** Docker's log stream for a container without a TTY: 8-byte frame headers before each chunk. */
export function demultiplex(raw: Buffer | string): string {
  if (typeof raw === 'string') return raw;
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length && raw[offset]! <= 2 && raw[offset + 1] === 0) {
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === 0 ? raw.toString('utf8') : Buffer.concat(chunks).toString('utf8');
}
