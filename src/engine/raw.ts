/** The engine's raw answers, turned into the port's types (pure). */
import type {
  ContainerState,
  ContainerSummary,
  ImageConfig,
  ImageSummary,
  NetworkInfo,
  VolumeInfo,
} from '../ports.js';

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own message when it sent one (dockerode puts it in json.message). */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } } | undefined)?.json;
  if (json?.message) return json.message;
  return error instanceof Error ? error.message : String(error);
}

/** The engine's label filter: "key" matches any value, "key=value" one. */
export function labelFilter(labels: Record<string, string | undefined>): string[] {
  return Object.entries(labels).map(([key, value]) => (value === undefined ? key : `${key}=${value}`));
}

interface RawNetwork {
  Name: string;
  Id: string;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  Containers?: Record<string, unknown> | null;
}

export function toNetworkInfo(n: RawNetwork): NetworkInfo {
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

export function toImageConfig(image: {
  Config?: { Entrypoint?: string[] | string | null; ExposedPorts?: Record<string, unknown> | null };
}): ImageConfig {
  const entrypoint = image.Config?.Entrypoint;
  return {
    entrypoint: typeof entrypoint === 'string' ? [entrypoint] : (entrypoint ?? []),
    exposedPorts: Object.keys(image.Config?.ExposedPorts ?? {}),
  };
}

/** An image in GET /system/df (which computes SharedSize and Containers; -1 means not computed). */
export interface RawImageUsage {
  Id: string;
  RepoTags?: string[] | null;
  Created: number;
  Size: number;
  SharedSize?: number;
  Containers?: number;
}

/** The parts of GET /images/{id}/json that time an image, to the nanosecond (RFC 3339). */
export interface RawImageTimes {
  Created?: string;
  Metadata?: { LastTagTime?: string | null } | null;
}

const computed = (count: number | undefined) => (count === undefined || count < 0 ? undefined : count);

/** Epoch milliseconds of an RFC 3339 time; undefined when absent or Go's zero time (never set). */
function epochMs(time: string | null | undefined): number | undefined {
  const ms = Date.parse(time ?? '');
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export function toImageSummary(usage: RawImageUsage, times: RawImageTimes): ImageSummary {
  return {
    id: usage.Id,
    repoTags: (usage.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
    size: usage.Size,
    sharedSize: computed(usage.SharedSize),
    created: epochMs(times.Created) ?? usage.Created * 1000,
    lastTagged: epochMs(times.Metadata?.LastTagTime),
    containers: computed(usage.Containers),
  };
}

export function toVolumeInfo(v: {
  Name: string;
  Labels?: Record<string, string> | null;
  CreatedAt?: string;
}): VolumeInfo {
  return { name: v.Name, labels: v.Labels ?? {}, createdAt: v.CreatedAt };
}

export interface BridgeNetworkSpec {
  name: string;
  labels: Record<string, string>;
  subnet?: { subnet: string; gateway: string };
  mtu?: number;
}

export function bridgeNetworkBody(spec: BridgeNetworkSpec) {
  return {
    Name: spec.name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: spec.labels,
    ...(spec.subnet
      ? {
          IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet.subnet, Gateway: spec.subnet.gateway }] },
        }
      : {}),
    ...(spec.mtu ? { Options: { 'com.docker.network.driver.mtu': String(spec.mtu) } } : {}),
  };
}

export function toContainerSummary(c: {
  Id: string;
  Names: string[];
  State: string;
  Labels?: Record<string, string> | null;
  Image: string;
}): ContainerSummary {
  return {
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    state: c.State,
    labels: c.Labels ?? {},
    image: c.Image,
  };
}

interface RawContainer {
  Id: string;
  Name: string;
  State: { Running: boolean; Status: string; ExitCode: number };
  Config: { Labels?: Record<string, string> | null };
  HostConfig: object;
  NetworkSettings: { Networks?: object | null };
  Mounts: object[];
}

export function toContainerState(c: RawContainer): ContainerState {
  return {
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    running: c.State.Running,
    status: c.State.Status,
    exitCode: c.State.ExitCode,
    labels: c.Config.Labels ?? {},
    hostConfig: c.HostConfig as Record<string, unknown>,
    runtime: (c.HostConfig as { Runtime?: string }).Runtime || undefined,
    networks: (c.NetworkSettings.Networks ?? {}) as Record<string, { IPAddress?: string }>,
    mounts: c.Mounts as ContainerState['mounts'],
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
