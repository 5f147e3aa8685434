/**
 * An in-memory engine implementing EnginePort, faithful where the session core depends on the
 * engine's behaviour: unique container names (NameConflict), networks refusing overlapping subnets
 * (createNetwork answers false), networks that cannot be removed while containers are attached,
 * volumes that cannot be removed while mounted, label filters, and idempotent removals. A started
 * daemon container answers as a job daemon (version, info, disk usage, its own containers) on its
 * address, through connectDaemon. Any call can be made to fail, on every call or on chosen ones.
 */
import { randomBytes } from 'node:crypto';
import { type Cidr, formatCidr, hostAddress, overlaps, parseCidr } from '../../src/core/cidr.js';
import { NameConflict, SystemError } from '../../src/core/errors.js';
import type { ConnectDaemon } from '../../src/session/engine.js';
import type * as port from '../../src/ports.js';
import { type DaemonContents, JobDaemonDouble, layersBytes } from './job-daemon-double.js';

type Labels = Record<string, string>;
type LabelQuery = Record<string, string | undefined>;

interface StoredNetwork {
  name: string;
  id: string;
  subnet: Cidr | undefined;
  gateway: string | undefined;
  mtu: number | undefined;
  labels: Labels;
  /** Container id -> its address on this network. */
  attached: Map<string, string>;
}

interface StoredContainer {
  id: string;
  name: string;
  image: string;
  labels: Labels;
  running: boolean;
  exitCode: number;
  runtime: string | undefined;
  volumes: string[];
  /** Network name -> the address asked for (undefined: the engine picks one). */
  endpoints: Map<string, string | undefined>;
  files: Buffer[];
}

/** How a container of an image behaves once started. */
export interface ImageBehaviour {
  /** The container exits at once with this code. */
  readonly exitsWith?: number;
  /** Its log. */
  readonly logs?: string;
  /** The daemon in it fails this many version requests before it answers (default 0). */
  readonly failsVersionRequests?: number;
  /** The daemon in it never answers. */
  readonly neverAnswers?: boolean;
}

type Failure = (call: number, args: unknown[]) => void | Promise<void>;

const matches = (labels: Labels, query: LabelQuery | undefined) =>
  Object.entries(query ?? {}).every(([key, value]) =>
    value === undefined ? key in labels : labels[key] === value,
  );

const newId = () => randomBytes(32).toString('hex');

/** A failure (like the adapter's) of a call at the engine. */
export function engineFailure(what: string, message: string): SystemError {
  return new SystemError(`Docker engine call failed: ${what}: ${message}`);
}

/** Counted calls that a test can make fail or run something before; one rule per method (the last set). */
class Calls {
  private readonly counts = new Map<string, number>();
  private readonly failures = new Map<string, Failure>();

  /** Makes `method` fail with `error` on the given calls (1-based), or on every call. */
  fail(method: string, error: Error, onCalls?: readonly number[]): void {
    this.failures.set(method, (call) => {
      if (!onCalls || onCalls.includes(call)) throw error;
    });
  }

  /** Runs `action` before the given call of `method` (e.g. another launch taking a subnet). */
  before(method: string, action: (args: unknown[]) => void | Promise<void>, onCall = 1): void {
    this.failures.set(method, (call, args) => (call === onCall ? action(args) : undefined));
  }

  async enter(method: string, args: unknown[]): Promise<void> {
    const call = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, call);
    // A real engine answers asynchronously: give an abort or a concurrent step its turn.
    await new Promise((resolve) => setImmediate(resolve));
    await this.failures.get(method)?.(call, args);
  }
}

export class EngineDouble implements port.EnginePort {
  readonly host = 'unix:///double.sock';
  readonly runtimes = ['runc', 'sysbox-runc'];
  readonly images = new Set<string>();
  readonly imageBehaviour = new Map<string, ImageBehaviour>();
  readonly networks = new Map<string, StoredNetwork>();
  readonly volumes = new Map<string, { labels: Labels; createdAt: string }>();
  readonly containers = new Map<string, StoredContainer>();
  /** What each volume's daemon holds. */
  readonly daemonContents = new Map<string, DaemonContents>();
  /** Job daemon clients handed out and not yet closed. */
  openDaemonClients = 0;
  private readonly calls = new Calls();
  private readonly versionRequests = new Map<string, number>();

  constructor(options: { images?: readonly string[] } = {}) {
    for (const image of options.images ?? []) this.images.add(image);
    this.addNetwork('bridge', '172.17.0.0/16', {}, 1500);
  }

  fail(method: keyof port.EnginePort, error: Error, onCalls?: readonly number[]): void {
    this.calls.fail(method, error, onCalls);
  }

  before(method: keyof port.EnginePort, action: (args: unknown[]) => void | Promise<void>, onCall = 1): void {
    this.calls.before(method, action, onCall);
  }

  /** A network made outside the code under test (another tool, another launch). */
  addNetwork(name: string, subnet: string, labels: Labels = {}, mtu?: number): void {
    const cidr = parseCidr(subnet);
    if (!cidr) throw new Error(`bad subnet ${subnet}`);
    this.networks.set(name, {
      name,
      id: newId(),
      subnet: cidr,
      gateway: undefined,
      mtu,
      labels,
      attached: new Map(),
    });
  }

  /** A container made outside the code under test (e.g. another session's daemon). */
  addContainer(name: string, labels: Labels = {}, running = true): string {
    const id = newId();
    this.containers.set(id, {
      id,
      name,
      image: 'other',
      labels,
      running,
      exitCode: 0,
      runtime: undefined,
      volumes: [],
      endpoints: new Map(),
      files: [],
    });
    return id;
  }

  /** Names of what exists, as "container NAME", "network NAME", "volume NAME" (sorted). */
  resources(): string[] {
    return [
      ...[...this.containers.values()].map((c) => `container ${c.name}`),
      ...[...this.networks.keys()].filter((name) => name !== 'bridge').map((name) => `network ${name}`),
      ...[...this.volumes.keys()].map((name) => `volume ${name}`),
    ].sort();
  }

  private async enter(method: keyof port.EnginePort, ...args: unknown[]): Promise<void> {
    await this.calls.enter(method, args);
  }

  private container(idOrName: string): StoredContainer | undefined {
    return this.containers.get(idOrName) ?? [...this.containers.values()].find((c) => c.name === idOrName);
  }

  private existing(idOrName: string, what: string): StoredContainer {
    const container = this.container(idOrName);
    if (!container) throw engineFailure(what, `No such container: ${idOrName}`);
    return container;
  }

  async version(): Promise<port.EngineVersion> {
    await this.enter('version');
    return { version: '20.10.24', apiVersion: '1.41' };
  }

  async info(): Promise<Record<string, unknown>> {
    await this.enter('info');
    return { ServerVersion: '20.10.24', Runtimes: Object.fromEntries(this.runtimes.map((r) => [r, {}])) };
  }

  async versionAndRuntimes(): Promise<{ version: string; runtimes: string[] }> {
    await this.enter('versionAndRuntimes');
    return { version: '20.10.24', runtimes: [...this.runtimes] };
  }

  async imageExists(image: string): Promise<boolean> {
    await this.enter('imageExists', image);
    return this.images.has(image);
  }

  async imageConfig(image: string) {
    await this.enter('imageConfig', image);
    return this.images.has(image) ? { entrypoint: [], exposedPorts: [] } : undefined;
  }

  async pullImage(image: string): Promise<void> {
    await this.enter('pullImage', image);
    this.images.add(image);
  }

  private networkInfo(network: StoredNetwork): port.NetworkInfo {
    return {
      name: network.name,
      id: network.id,
      subnets: network.subnet ? [formatCidr(network.subnet)] : [],
      gateways: network.gateway ? [network.gateway] : [],
      mtu: network.mtu,
      labels: { ...network.labels },
      containers: [...network.attached.keys()],
    };
  }

  async listNetworks(labels?: LabelQuery): Promise<port.NetworkInfo[]> {
    await this.enter('listNetworks', labels);
    return [...this.networks.values()]
      .filter((n) => matches(n.labels, labels))
      .map((n) => ({ ...this.networkInfo(n), containers: [] }));
  }

  async inspectNetwork(name: string): Promise<port.NetworkInfo | undefined> {
    await this.enter('inspectNetwork', name);
    const network = this.networks.get(name);
    return network && this.networkInfo(network);
  }

  async createNetwork(spec: {
    name: string;
    labels: Labels;
    subnet?: { subnet: string; gateway: string };
    mtu?: number;
  }): Promise<boolean> {
    await this.enter('createNetwork', spec);
    if (this.networks.has(spec.name))
      throw engineFailure(`create network ${spec.name}`, `network with name ${spec.name} already exists`);
    const subnet = spec.subnet && parseCidr(spec.subnet.subnet);
    const taken = [...this.networks.values()].some((n) => subnet && n.subnet && overlaps(n.subnet, subnet));
    if (taken) return false;
    this.networks.set(spec.name, {
      name: spec.name,
      id: newId(),
      subnet,
      gateway: spec.subnet?.gateway,
      mtu: spec.mtu,
      labels: { ...spec.labels },
      attached: new Map(),
    });
    return true;
  }

  async removeNetwork(name: string): Promise<boolean> {
    await this.enter('removeNetwork', name);
    const network = this.networks.get(name);
    if (!network) return false;
    if (network.attached.size > 0)
      throw engineFailure(
        `remove network ${name}`,
        `error while removing network: ${name} has active endpoints`,
      );
    this.networks.delete(name);
    return true;
  }

  async connectNetwork(network: string, container: string): Promise<void> {
    await this.enter('connectNetwork', network, container);
    const target = this.networks.get(network);
    if (!target) throw engineFailure(`connect ${container} to ${network}`, `network ${network} not found`);
    const found = this.existing(container, `connect ${container} to ${network}`);
    found.endpoints.set(network, undefined);
    if (found.running) this.attach(found, target, undefined);
  }

  async disconnectNetwork(network: string, container: string): Promise<boolean> {
    await this.enter('disconnectNetwork', network, container);
    const found = this.container(container);
    const target = this.networks.get(network);
    if (!found || !target?.attached.has(found.id)) return false;
    target.attached.delete(found.id);
    found.endpoints.delete(network);
    return true;
  }

  async inspectVolume(name: string): Promise<port.VolumeInfo | undefined> {
    await this.enter('inspectVolume', name);
    const volume = this.volumes.get(name);
    return volume && { name, labels: { ...volume.labels }, createdAt: volume.createdAt };
  }

  async createVolume(name: string, labels: Labels, bindTo?: string): Promise<void> {
    await this.enter('createVolume', name, labels, bindTo);
    if (!this.volumes.has(name))
      this.volumes.set(name, { labels: { ...labels }, createdAt: new Date().toISOString() });
  }

  async removeVolume(name: string): Promise<boolean> {
    await this.enter('removeVolume', name);
    if (!this.volumes.has(name)) return false;
    if ([...this.containers.values()].some((c) => c.volumes.includes(name)))
      throw engineFailure(`remove volume ${name}`, `remove ${name}: volume is in use`);
    this.volumes.delete(name);
    this.daemonContents.delete(name);
    return true;
  }

  async listVolumes(labels: LabelQuery): Promise<port.VolumeInfo[]> {
    await this.enter('listVolumes', labels);
    return [...this.volumes.entries()]
      .filter(([, volume]) => matches(volume.labels, labels))
      .map(([name, volume]) => ({ name, labels: { ...volume.labels }, createdAt: volume.createdAt }));
  }

  async volumeUsage(): Promise<Map<string, { size: number; refCount: number }>> {
    await this.enter('volumeUsage');
    return new Map(
      [...this.volumes.keys()].map((name) => {
        const contents = this.daemonContents.get(name);
        const refCount = [...this.containers.values()].filter((c) => c.volumes.includes(name)).length;
        return [name, { size: contents ? layersBytes(contents) + contents.buildCacheBytes : 0, refCount }];
      }),
    );
  }

  async diskUsage(): Promise<port.DiskUsage> {
    await this.enter('diskUsage');
    return {
      images: this.images.size,
      layersBytes: 0,
      buildCacheBytes: 0,
      containersBytes: 0,
      volumesBytes: 0,
    };
  }

  async pruneBuildCache(): Promise<void> {
    await this.enter('pruneBuildCache');
  }

  /** The host's images: names only, no sizes or times. */
  async listImages(): Promise<port.ImageSummary[]> {
    await this.enter('listImages');
    return [...this.images].map((image) => ({
      id: image,
      repoTags: [image],
      size: 0,
      sharedSize: 0,
      created: 0,
      lastTagged: undefined,
      containers: this.containersOf(image).length,
    }));
  }

  async removeImage(image: string): Promise<boolean> {
    await this.enter('removeImage', image);
    if (!this.images.has(image)) return false;
    if (this.containersOf(image).length > 0)
      throw engineFailure(
        `remove image ${image}`,
        `conflict: unable to delete ${image}: image is being used`,
      );
    this.images.delete(image);
    return true;
  }

  private containersOf(image: string): StoredContainer[] {
    return [...this.containers.values()].filter((container) => container.image === image);
  }

  async createContainer(name: string, body: Record<string, unknown>): Promise<string> {
    await this.enter('createContainer', name, body);
    if (this.container(name)) throw new NameConflict(`container name ${name} is in use`);
    const spec = body as {
      Image?: string;
      Labels?: Labels;
      HostConfig?: { Runtime?: string; Mounts?: { Source?: string }[] };
      NetworkingConfig?: { EndpointsConfig?: Record<string, { IPAMConfig?: { IPv4Address?: string } }> };
    };
    const image = spec.Image ?? '';
    if (!this.images.has(image)) throw engineFailure(`create container ${name}`, `No such image: ${image}`);
    const volumes = (spec.HostConfig?.Mounts ?? []).map((m) => m.Source ?? '');
    for (const volume of volumes)
      if (!this.volumes.has(volume))
        this.volumes.set(volume, { labels: {}, createdAt: new Date().toISOString() });
    const endpoints = new Map<string, string | undefined>();
    for (const [network, endpoint] of Object.entries(spec.NetworkingConfig?.EndpointsConfig ?? {})) {
      if (!this.networks.has(network))
        throw engineFailure(`create container ${name}`, `network ${network} not found`);
      endpoints.set(network, endpoint.IPAMConfig?.IPv4Address);
    }
    const id = newId();
    this.containers.set(id, {
      id,
      name,
      image,
      labels: { ...spec.Labels },
      running: false,
      exitCode: 0,
      runtime: spec.HostConfig?.Runtime,
      volumes,
      endpoints,
      files: [],
    });
    return id;
  }

  async putArchive(container: string, _path: string, tar: Buffer): Promise<void> {
    await this.enter('putArchive', container);
    this.existing(container, `copy files into ${container}`).files.push(tar);
  }

  async startContainer(container: string): Promise<void> {
    await this.enter('startContainer', container);
    const found = this.existing(container, `start container ${container}`);
    const behaviour = this.imageBehaviour.get(found.image) ?? {};
    if (behaviour.exitsWith !== undefined) {
      found.exitCode = behaviour.exitsWith;
      return;
    }
    found.running = true;
    for (const [name, ip] of found.endpoints) this.attach(found, this.networks.get(name)!, ip);
  }

  private attach(container: StoredContainer, network: StoredNetwork, ip: string | undefined): void {
    const used = new Set(network.attached.values());
    let address = ip;
    for (let host = 2; !address && network.subnet; host++) {
      const candidate = hostAddress(network.subnet, host);
      if (!used.has(candidate)) address = candidate;
    }
    network.attached.set(container.id, address ?? '');
  }

  async inspectContainer(container: string): Promise<port.ContainerState | undefined> {
    await this.enter('inspectContainer', container);
    const found = this.container(container);
    if (!found) return undefined;
    const networks = Object.fromEntries(
      [...this.networks.values()]
        .filter((n) => n.attached.has(found.id))
        .map((n) => [n.name, { IPAddress: n.attached.get(found.id) }]),
    );
    return {
      id: found.id,
      name: found.name,
      running: found.running,
      status: found.running ? 'running' : 'exited',
      exitCode: found.exitCode,
      labels: { ...found.labels },
      hostConfig: {},
      runtime: found.runtime,
      networks,
      mounts: found.volumes.map((name) => ({ Type: 'volume', Name: name, Destination: '/var/lib/docker' })),
    };
  }

  async containerLogs(container: string): Promise<string> {
    await this.enter('containerLogs', container);
    const found = this.existing(container, `logs of ${container}`);
    return this.imageBehaviour.get(found.image)?.logs ?? '';
  }

  followLogs(): Promise<void> {
    return Promise.reject(new Error('not used by the session core'));
  }

  async listContainers(
    labels: LabelQuery,
    options: { runningOnly?: boolean } = {},
  ): Promise<port.ContainerSummary[]> {
    await this.enter('listContainers', labels);
    return [...this.containers.values()]
      .filter((c) => matches(c.labels, labels) && (c.running || !options.runningOnly))
      .map((c) => ({
        id: c.id,
        name: c.name,
        state: c.running ? 'running' : 'exited',
        labels: { ...c.labels },
        image: c.image,
      }));
  }

  async stopContainer(container: string): Promise<void> {
    await this.enter('stopContainer', container);
    const found = this.container(container);
    if (!found) return;
    found.running = false;
    for (const network of this.networks.values()) network.attached.delete(found.id);
  }

  async removeContainer(container: string): Promise<boolean> {
    await this.enter('removeContainer', container);
    const found = this.container(container);
    if (!found) return false;
    for (const network of this.networks.values()) network.attached.delete(found.id);
    this.containers.delete(found.id);
    return true;
  }

  exec(): Promise<number> {
    return Promise.reject(new Error('not used by the session core'));
  }

  runToCompletion(): Promise<{ statusCode: number; output: string }> {
    return Promise.reject(new Error('not used by the session core'));
  }

  close(): void {}

  /** connectDaemon for the code under test: reaches the daemon container listening on the address. */
  readonly connectDaemon: ConnectDaemon = (address) => {
    this.openDaemonClients += 1;
    return new JobDaemonDouble(this, address, () => (this.openDaemonClients -= 1));
  };

  /** The running daemon container at an address, as the network would route to it. */
  daemonAt(address: port.DaemonAddress): StoredContainer | undefined {
    for (const network of this.networks.values())
      for (const [id, ip] of network.attached)
        if (ip === address.host)
          return this.containers.get(id)?.running ? this.containers.get(id) : undefined;
    return undefined;
  }

  /** The contents of the daemon whose volume `volume` is (created empty on first use). */
  contentsOf(volume: string): DaemonContents {
    let contents = this.daemonContents.get(volume);
    if (!contents) {
      contents = { images: [], buildCacheBytes: 0, running: [] };
      this.daemonContents.set(volume, contents);
    }
    return contents;
  }

  /** Counts a version request to a daemon container: how many it has seen before this one. */
  versionRequestsTo(containerId: string): number {
    const seen = this.versionRequests.get(containerId) ?? 0;
    this.versionRequests.set(containerId, seen + 1);
    return seen;
  }

  imageOf(container: StoredContainer): ImageBehaviour {
    return this.imageBehaviour.get(container.image) ?? {};
  }
}
