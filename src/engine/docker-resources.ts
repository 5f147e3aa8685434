/**
 * The plumbing of the dockerode adapter (every call logged at debug level, failures rethrown as
 * EngineError naming the call with the engine's status code, a 404 on removal counting as done)
 * and the calls on everything but containers: version, images, networks, volumes, disk usage.
 */
import { EngineError, NameConflict } from '../core/errors.js';
import type {
  DiskUsage,
  EngineVersion,
  ImageConfig,
  ImageSummary,
  Logger,
  NetworkInfo,
  RegistryAuthConfig,
  VolumeInfo,
} from '../ports.js';
import { type EngineClient, hostEngineClient } from './connect.js';
import { measureDiskUsage, pruneBuildCacheTo, toDiskUsage, toVolumeUsage } from './disk.js';
import {
  bridgeNetworkBody,
  engineMessage,
  labelFilter,
  statusOf,
  toImageConfig,
  toImageSummary,
  toNetworkInfo,
  toVolumeInfo,
} from './raw.js';
import { pullWithProgress } from './streams.js';

export class DockerResources {
  readonly host: string;
  protected readonly client: EngineClient;
  protected readonly log: Logger | undefined;

  constructor(host: string, log?: Logger, client: EngineClient = hostEngineClient(host)) {
    this.host = host;
    this.client = client;
    this.log = log;
  }

  protected get docker() {
    return this.client.docker;
  }

  close(): void {
    this.client.agent?.destroy();
  }

  protected async call<T>(what: string, action: () => Promise<T>): Promise<T> {
    this.log?.debug(`engine: ${what}`);
    try {
      return await action();
    } catch (error) {
      if (error instanceof NameConflict || error instanceof EngineError) throw error;
      const unreachable = /ECONNREFUSED|ENOENT|EACCES|socket hang up/.test(String(error));
      throw new EngineError(`Docker engine call failed: ${what}: ${engineMessage(error)}`, {
        cause: error,
        statusCode: statusOf(error),
        ...(unreachable ? { hint: `Is the Docker engine running and reachable at ${this.host}?` } : {}),
      });
    }
  }

  /** Like call, but "no such thing" (404) is an answer: undefined. */
  protected lookUp<T>(what: string, action: () => Promise<T>): Promise<T | undefined> {
    return this.call(what, async () => {
      try {
        return await action();
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  /** Like call, but a 404 (already gone) is success: returns false. */
  protected async remove(what: string, action: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.call(what, action);
      return true;
    } catch (error) {
      if ((error as EngineError).statusCode === 404) return false;
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
    return this.lookUp(`inspect image ${image}`, () => this.docker.getImage(image).inspect()).then(Boolean);
  }

  /** The parts of an image's configuration a container's behaviour depends on; undefined when absent. */
  imageConfig(image: string): Promise<ImageConfig | undefined> {
    return this.lookUp(`inspect image ${image}`, async () =>
      toImageConfig(await this.docker.getImage(image).inspect()),
    );
  }

  /**
   * Pulls an image (":latest" when it names no tag, as the docker CLI does). The registry
   * credentials go only into the request's X-Registry-Auth header, never into a message.
   */
  pullImage(image: string, auth?: RegistryAuthConfig): Promise<void> {
    return this.call(`pull ${image}`, () => pullWithProgress(this.docker, image, auth));
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
    return this.lookUp(`inspect network ${name}`, async () =>
      toNetworkInfo(await this.docker.getNetwork(name).inspect()),
    );
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
        await this.docker.createNetwork(bridgeNetworkBody(spec));
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
    return this.lookUp(`inspect volume ${name}`, async () =>
      toVolumeInfo(await this.docker.getVolume(name).inspect()),
    );
  }

  /** Creates a volume; a volume of that name that already exists is returned unchanged. */
  createVolume(name: string, labels: Record<string, string>, bindTo?: string): Promise<void> {
    return this.call(`create volume ${name}`, async () => {
      const bind =
        bindTo === undefined
          ? {}
          : { Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: bindTo } };
      await this.docker.createVolume({ Name: name, Labels: labels, ...bind });
    });
  }

  removeVolume(name: string): Promise<boolean> {
    return this.remove(`remove volume ${name}`, () => this.docker.getVolume(name).remove());
  }

  listVolumes(labels: Record<string, string | undefined>): Promise<VolumeInfo[]> {
    return this.call('list volumes', async () => {
      const result = await this.docker.listVolumes({ filters: { label: labelFilter(labels) } });
      return (result.Volumes ?? []).map(toVolumeInfo);
    });
  }

  /** Volumes with their sizes and reference counts (GET /system/df; slower, it measures). */
  volumeUsage(): Promise<Map<string, { size: number; refCount: number }>> {
    return this.call('system df', async () => toVolumeUsage(await measureDiskUsage(this.docker)));
  }

  diskUsage(): Promise<DiskUsage> {
    return this.call('system df', async () => toDiskUsage(await measureDiskUsage(this.docker)));
  }

  pruneBuildCache(keepBytes: number): Promise<void> {
    return this.call('prune build cache', async () => {
      await pruneBuildCacheTo(this.docker, keepBytes);
    });
  }

  /**
   * Images from GET /system/df, which (unlike GET /images/json before API 1.42) computes shared
   * sizes and container counts, each inspected for its times; one removed meanwhile is left out.
   */
  async listImages(): Promise<ImageSummary[]> {
    const df = await this.call('system df', () => measureDiskUsage(this.docker));
    const images = await Promise.all(
      (df.Images ?? []).map(async (usage) => {
        const times = await this.lookUp(`inspect image ${usage.Id}`, () =>
          this.docker.getImage(usage.Id).inspect(),
        );
        return times && toImageSummary(usage, times);
      }),
    );
    return images.filter((image) => image !== undefined);
  }

  /**
   * Forced, so that an image with several tags goes whole; the engine still refuses an image a
   * running container uses, or one that other images are built on.
   */
  removeImage(id: string): Promise<boolean> {
    return this.remove(`remove image ${id}`, () => this.docker.getImage(id).remove({ force: true }));
  }
}
