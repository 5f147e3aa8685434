/** Setting names, defaults and descriptions, shared by the parser, action.yml's check, CLI help and the docs. */

/** The pinned docker:dind image used when no image is configured. */
export const DEFAULT_IMAGE = 'docker:27.5.1-dind';
export const DEFAULT_RUNTIME = 'sysbox-runc';
/** Mount an XFS or btrfs volume here for generations (docs/cache.md). */
export const DEFAULT_CACHE_STORE = '/var/lib/secure-dind/store';

export const SETTING_NAMES = [
  'runtime',
  'image',
  'cache',
  'cache-key',
  'cache-max-size',
  'cache-total-max-size',
  'cpus',
  'memory',
  'pids-limit',
  'mtu',
  'address-pool',
  'daemon-config',
  'startup-timeout',
  'stop-timeout',
  'deadline',
  'engine-host',
  'cache-slots',
  'registry-mirror',
  'cache-store',
] as const;

export type SettingName = (typeof SETTING_NAMES)[number];
export interface SettingDoc {
  readonly description: string;
  /** Default as written by a user; undefined: unset. */
  readonly default: string | undefined;
}

export const SETTING_DOCS: Record<SettingName, SettingDoc> = {
  runtime: {
    description: 'OCI runtime for the DinD container, as registered with the engine',
    default: DEFAULT_RUNTIME,
  },
  image: { description: 'DinD image (docker:dind contract)', default: DEFAULT_IMAGE },
  cache: {
    description: "Keep the daemon's images and build cache in a volume for the next job",
    default: 'true',
  },
  'cache-key': {
    description: 'Scope of the cache; sessions with the same key reuse its volumes',
    default: 'default',
  },
  'cache-max-size': {
    description: 'Per-volume budget, pruned inside the daemon before it stops',
    default: '20GiB',
  },
  'cache-total-max-size': {
    description: 'Host-wide budget for all cache volumes; least recently used unleased volumes are removed',
    default: '100GiB',
  },
  cpus: {
    description: 'CPU limit for the DinD container (e.g. 2 or 1.5); unset: no limit',
    default: undefined,
  },
  memory: {
    description: 'Memory limit for the DinD container (e.g. 4g); unset: no limit',
    default: undefined,
  },
  'pids-limit': { description: 'Process limit for the DinD container', default: '16384' },
  mtu: {
    description: 'MTU of the session network and inner daemon (576-9000); unset: follow the outer network',
    default: undefined,
  },
  'address-pool': {
    description:
      "IPv4 range (CIDR, /8 to /20) for the inner daemon's bridge and networks; unset: chosen to avoid outer networks",
    default: undefined,
  },
  'daemon-config': {
    description: 'JSON object merged into the inner daemon.json (e.g. registry-mirrors)',
    default: '{}',
  },
  'startup-timeout': { description: 'How long to wait for the daemon to answer over mTLS', default: '60s' },
  'stop-timeout': {
    description: 'Grace period for the daemon to stop its containers and flush its data',
    default: '20s',
  },
  deadline: {
    description: "Session lifetime; after it a crashed session's resources may be reaped",
    default: '6h',
  },
  'engine-host': {
    description: 'Docker engine to run the session on (unix:// or tcp://); unset: /var/run/docker.sock',
    default: undefined,
  },
  'cache-slots': {
    description: 'How many sessions with one cache key may run at once, each on its own volume',
    default: '4',
  },
  'registry-mirror': {
    description:
      "Pull-through mirror for the daemon's Docker Hub pulls: auto (the one 'secure-dind mirror up' runs on the engine), off, or an http(s) URL; a mirror that does not answer is skipped with a warning",
    default: 'off',
  },
  'cache-store': {
    description:
      "Directory on the engine's host for cache generations: each session starts from a copy-on-write clone of its scope's last successful cache (needs XFS or btrfs there); on any other filesystem, or off, cache slots are reused as jobs leave them",
    default: DEFAULT_CACHE_STORE,
  },
};
