/**
 * The job daemon side of the engine double: a started daemon container answers version, info,
 * disk usage, prunes and its own containers on its address, from what its cache volume holds.
 */
import type * as port from '../../src/ports.js';
import { type EngineDouble, engineFailure } from './engine-double.js';

/** The job daemon's side: what a daemon on a cache volume holds (kept per volume, like the disk). */
export interface DaemonContents {
  /** Its images, sharing no layer: their layers take the sum of their sizes. */
  images: port.ImageSummary[];
  buildCacheBytes: number;
  /** Ids of its running containers. */
  running: string[];
}

/** An image in a job daemon's store, made `created` ms after the epoch and tagged then. */
export function daemonImage(tag: string, size: number, created: number, containers = 0): port.ImageSummary {
  return {
    id: `sha256:${tag}`,
    repoTags: [tag],
    size,
    sharedSize: 0,
    created,
    lastTagged: created,
    containers,
  };
}

/** What the daemon's image layers take. */
export const layersBytes = (contents: DaemonContents) =>
  contents.images.reduce((sum, image) => sum + image.size, 0);

/** A job's daemon as the session core reaches it: the daemon container's contents, over "TLS". */
export class JobDaemonDouble implements port.EnginePort {
  readonly host: string;
  private closed = false;

  constructor(
    private readonly engine: EngineDouble,
    private readonly address: port.DaemonAddress,
    private readonly onClose: () => void,
  ) {
    this.host = `tcp://${address.host}:${address.port}`;
  }

  /** The daemon's contents; throws as a refused connection does when nothing listens there. */
  private async reach(method: string): Promise<DaemonContents> {
    if (this.closed) throw new Error('the client is closed');
    await new Promise((resolve) => setImmediate(resolve));
    const container = this.engine.daemonAt(this.address);
    if (!container)
      throw engineFailure(method, `connect ECONNREFUSED ${this.address.host}:${this.address.port}`);
    const behaviour = this.engine.imageOf(container);
    if (behaviour.neverAnswers) throw engineFailure(method, 'timeout');
    if (
      method === 'version' &&
      this.engine.versionRequestsTo(container.id) < (behaviour.failsVersionRequests ?? 0)
    )
      throw engineFailure(method, 'socket hang up');
    return this.engine.contentsOf(container.volumes[0] ?? '');
  }

  async version(): Promise<port.EngineVersion> {
    await this.reach('version');
    return { version: '27.5.1', apiVersion: '1.47' };
  }

  async info(): Promise<Record<string, unknown>> {
    return { Images: (await this.reach('info')).images.length };
  }

  async diskUsage(): Promise<port.DiskUsage> {
    const contents = await this.reach('diskUsage');
    return {
      images: contents.images.length,
      layersBytes: layersBytes(contents),
      buildCacheBytes: contents.buildCacheBytes,
      containersBytes: 0,
      volumesBytes: 0,
    };
  }

  async pruneBuildCache(keepBytes: number): Promise<void> {
    const contents = await this.reach('pruneBuildCache');
    contents.buildCacheBytes = Math.min(contents.buildCacheBytes, keepBytes);
  }

  async listImages(): Promise<port.ImageSummary[]> {
    return [...(await this.reach('listImages')).images];
  }

  async removeImage(id: string): Promise<boolean> {
    const contents = await this.reach('removeImage');
    const image = contents.images.find((candidate) => candidate.id === id);
    if (!image) return false;
    if (image.containers)
      throw engineFailure(`remove image ${id}`, `conflict: unable to delete ${id}: image is being used`);
    contents.images = contents.images.filter((candidate) => candidate !== image);
    return true;
  }

  async listContainers(): Promise<port.ContainerSummary[]> {
    const contents = await this.reach('listContainers');
    return contents.running.map((id) => ({ id, name: id, state: 'running', labels: {}, image: 'job' }));
  }

  async stopContainer(container: string): Promise<void> {
    const contents = await this.reach('stopContainer');
    contents.running = contents.running.filter((id) => id !== container);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }

  private unused(): Promise<never> {
    return Promise.reject(new Error('a job daemon call the session core does not make'));
  }

  versionAndRuntimes = () => this.unused();
  imageExists = () => this.unused();
  imageConfig = () => this.unused();
  pullImage = () => this.unused();
  listNetworks = () => this.unused();
  inspectNetwork = () => this.unused();
  createNetwork = () => this.unused();
  removeNetwork = () => this.unused();
  connectNetwork = () => this.unused();
  disconnectNetwork = () => this.unused();
  inspectVolume = () => this.unused();
  createVolume = () => this.unused();
  removeVolume = () => this.unused();
  listVolumes = () => this.unused();
  volumeUsage = () => this.unused();
  createContainer = () => this.unused();
  putArchive = () => this.unused();
  startContainer = () => this.unused();
  inspectContainer = () => this.unused();
  containerLogs = () => this.unused();
  followLogs = () => this.unused();
  removeContainer = () => this.unused();
  exec = () => this.unused();
  runToCompletion = () => this.unused();
}
