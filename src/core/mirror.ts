/**
 * The per-host pull-through registry mirror: its names, labels, settings and container spec, and
 * how a session's daemon.json names it. Pure.
 *
 * Addressing: the mirror runs on its own bridge network and publishes its port on the host, by
 * default on that network's gateway address (a host address no other machine routes to). Session
 * daemons reach it there from their own networks through the host, so no session network is
 * shared with the mirror and no job container sits on the path between another job's daemon and it.
 */
import { BadInputError } from './errors.js';
import { LABELS, LABEL_PREFIX, OWNER } from './names.js';
import { SIZE_FORM, parseSize } from './units.js';

/** The mirror's resources: one of each per engine. */
export const MIRROR = {
  container: 'secure-dind-mirror',
  network: 'secure-dind-mirror',
  volume: 'secure-dind-mirror-cache',
} as const;
/** Built from mirror-image/ (`docker build -t secure-dind/mirror mirror-image`). */
export const DEFAULT_MIRROR_IMAGE = 'secure-dind/mirror';
export const DEFAULT_UPSTREAM = 'https://registry-1.docker.io';
export const DEFAULT_MIRROR_BUDGET = '20GiB';
export const DEFAULT_MIRROR_PORT = 5000;
const STORAGE_IN_CONTAINER = '/var/lib/docker-registry';
const PORT_IN_CONTAINER = '5000/tcp';

/** What `mirror status` and launches read back from the running mirror. */
export const MIRROR_LABELS = {
  url: `${LABEL_PREFIX}.mirror-url`,
  upstream: `${LABEL_PREFIX}.mirror-upstream`,
  budget: `${LABEL_PREFIX}.mirror-budget`,
  image: `${LABEL_PREFIX}.mirror-image`,
  /** The published IP:PORT. */
  listen: `${LABEL_PREFIX}.mirror-listen`,
} as const;

/** Finds the mirror's container, network and volume. */
export const MIRROR_SELECTOR = { [LABELS.owner]: OWNER, [LABELS.role]: 'mirror' } as const;

/** The registry-mirror session setting. */
export type RegistryMirrorSetting =
  | { readonly mode: 'off' }
  /** The mirror `secure-dind mirror up` runs on the session's engine. */
  | { readonly mode: 'auto' }
  | { readonly mode: 'url'; readonly url: string };

export const REGISTRY_MIRROR_FORM = 'off, auto, or an http(s) URL such as https://mirror.example.com';

export function parseRegistryMirror(text: string): RegistryMirrorSetting | undefined {
  if (text === 'off' || text === 'auto') return { mode: text };
  const url = parseHttpUrl(text);
  return url ? { mode: 'url', url } : undefined;
}

/** An http(s) URL without path, query or credentials, as "scheme://host[:port]"; else undefined. */
export function parseHttpUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  return (url.protocol === 'http:' || url.protocol === 'https:') && bare ? url.origin : undefined;
}

export interface MirrorOptions {
  readonly image: string;
  readonly upstream: string;
  /** Bytes the cache may take; `status` and `gc` hold the cache to it. */
  readonly budget: number;
  /** Host address to publish on; undefined: the mirror network's gateway. */
  readonly listenIp: string | undefined;
  readonly port: number;
}

export interface RawMirrorOptions {
  readonly image?: string;
  readonly upstream?: string;
  readonly storageBudget?: string;
  readonly listen?: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses `mirror up` options; errors name the option as written. */
export function parseMirrorOptions(raw: RawMirrorOptions): MirrorOptions {
  const upstream = parseHttpUrl(raw.upstream ?? DEFAULT_UPSTREAM);
  if (!upstream) throw new BadInputError('--upstream', raw.upstream ?? '', 'an http(s) URL without a path');
  const budgetText = raw.storageBudget ?? DEFAULT_MIRROR_BUDGET;
  const budget = parseSize(budgetText);
  if (budget === undefined || budget < 64 * 1024 ** 2) {
    throw new BadInputError('--storage-budget', budgetText, `${SIZE_FORM}, at least 64 MiB`);
  }
  const { listenIp, port } = parseListen(raw.listen);
  return { image: raw.image ?? DEFAULT_MIRROR_IMAGE, upstream, budget, listenIp, port };
}

/** "IP:PORT", ":PORT" (the mirror network's gateway) or unset (gateway, port 5000). */
function parseListen(text: string | undefined): { listenIp: string | undefined; port: number } {
  if (text === undefined) return { listenIp: undefined, port: DEFAULT_MIRROR_PORT };
  const colon = text.lastIndexOf(':');
  const ip = text.slice(0, Math.max(colon, 0));
  const port = Number(text.slice(colon + 1));
  const ipValid =
    ip === '' ||
    IPV4.exec(ip)
      ?.slice(1)
      .every((part) => Number(part) <= 255);
  if (colon < 0 || !ipValid || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BadInputError('--listen', text, 'IPV4:PORT or :PORT, e.g. 172.17.0.1:5000');
  }
  return { listenIp: ip || undefined, port };
}

/**
 * The URL sessions use: the published address, or the gateway when published on every address
 * (0.0.0.0 includes the gateway; a session needs one address it can route to).
 */
export function mirrorUrl(options: Pick<MirrorOptions, 'listenIp' | 'port'>, gateway: string): string {
  const ip = options.listenIp === undefined || options.listenIp === '0.0.0.0' ? gateway : options.listenIp;
  return `http://${ip}:${options.port}`;
}

export function mirrorLabels(createdAt: Date, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...MIRROR_SELECTOR,
    [LABELS.createdAt]: createdAt.toISOString(),
    ...extra,
  };
}

/**
 * The mirror's container: unprivileged (the image's non-root user, no capabilities, no privilege
 * gain, read-only root), on its own network, restarted with the engine unless stopped by hand.
 */
export function mirrorContainerSpec(
  options: MirrorOptions,
  publishIp: string,
  labels: Record<string, string>,
): Record<string, unknown> {
  return {
    Image: options.image,
    Env: [`REGISTRY_PROXY_REMOTEURL=${options.upstream}`],
    Labels: labels,
    ExposedPorts: { [PORT_IN_CONTAINER]: {} },
    HostConfig: {
      NetworkMode: MIRROR.network,
      Mounts: [{ Type: 'volume', Source: MIRROR.volume, Target: STORAGE_IN_CONTAINER }],
      Tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m' },
      PortBindings: { [PORT_IN_CONTAINER]: [{ HostIp: publishIp, HostPort: String(options.port) }] },
      RestartPolicy: { Name: 'unless-stopped' },
      Privileged: false,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      PidsLimit: 512,
      // Every request is logged: keep the log bounded on a long-lived service.
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    },
  };
}

/** The daemon.json key naming the mirror: ours first, then any the user configured. */
export function withRegistryMirror(
  daemonJson: Record<string, unknown>,
  url: string | undefined,
): Record<string, unknown> {
  if (url === undefined) return daemonJson;
  const configured = daemonJson['registry-mirrors'];
  const others = Array.isArray(configured) ? configured.filter((mirror) => mirror !== url) : [];
  return { ...daemonJson, 'registry-mirrors': [url, ...others] };
}
