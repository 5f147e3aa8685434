/**
 * The one place where settings are parsed and validated. Every face (GitHub inputs, CLI options and
 * environment variables, GitLab driver settings) hands raw strings here, keyed by the setting names
 * below, and gets a typed SessionConfig or a BadInputError naming the setting as the user wrote it.
 * Nothing is created before this succeeds.
 */
import { BadInputError } from './errors.js';
import { type Cidr, parseCidr } from './cidr.js';
import { ALLOWED_DAEMON_KEYS, RESERVED_DAEMON_KEYS } from './daemon-config.js';
import { IMAGE_FORM, parseImageRef } from './image-ref.js';
import { REGISTRY_MIRROR_FORM, type RegistryMirrorSetting, parseRegistryMirror } from './mirror.js';
import {
  BOOLEAN_FORM,
  DURATION_FORM,
  SIZE_FORM,
  parseBoolean,
  parseDuration,
  parseSize,
  parseWholeNumber,
} from './units.js';

/** The pinned docker:dind image used when no image is configured. */
export const DEFAULT_IMAGE = 'docker:27.5.1-dind';
export const DEFAULT_RUNTIME = 'sysbox-runc';

export interface SessionConfig {
  /** OCI runtime name as registered with the engine. */
  readonly runtime: string;
  /** DinD image following the docker:dind contract. */
  readonly image: string;
  /** Keep /var/lib/docker in a cache volume that outlives the session. */
  readonly cache: boolean;
  /** Scope of the cache: sessions with the same key share (one at a time) the same volumes. */
  readonly cacheKey: string;
  /** Per-volume budget in bytes: pruned inside the daemon before it stops. */
  readonly cacheMaxSize: number | undefined;
  /** Host-wide budget in bytes for all cache volumes: least recently used go first. */
  readonly cacheTotalMaxSize: number | undefined;
  readonly cpus: number | undefined;
  /** Memory limit in bytes. */
  readonly memory: number | undefined;
  readonly pidsLimit: number;
  /** MTU for the session network and the inner daemon; undefined follows the outer network. */
  readonly mtu: number | undefined;
  /** Range the inner daemon's bridge and address pools are carved from; undefined chooses one. */
  readonly addressPool: Cidr | undefined;
  /** Merged into the inner daemon.json. */
  readonly daemonConfig: Readonly<Record<string, unknown>>;
  readonly startupTimeoutSeconds: number;
  /** Grace period for the daemon's graceful stop before it is killed. */
  readonly stopTimeoutSeconds: number;
  /** Lifetime after which the session's resources count as orphans that any launch may reap. */
  readonly deadlineSeconds: number;
  /** Docker engine to create the session on; undefined: the local engine's default socket. */
  readonly engineHost: string | undefined;
  /** How many cache slots (concurrent sessions) one cache key may use. */
  readonly cacheSlots: number;
  /** The pull-through mirror the daemon pulls Docker Hub images through, when it answers. */
  readonly registryMirror: RegistryMirrorSetting;
}

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
] as const;

export type SettingName = (typeof SETTING_NAMES)[number];
export type RawSettings = Partial<Record<SettingName, string | undefined>>;

export interface SettingDoc {
  readonly description: string;
  /** Default as written by a user; undefined: unset. */
  readonly default: string | undefined;
}

/** Descriptions and defaults, shared by action.yml's check, CLI help and the docs. */
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
};

/** The environment variable of a setting: SECURE_DIND_CACHE_KEY for cache-key. */
export function settingEnvName(setting: string): string {
  return `SECURE_DIND_${setting.toUpperCase().replace(/-/g, '_')}`;
}

const RUNTIME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CACHE_KEY = /^[A-Za-z0-9][A-Za-z0-9_.:/@+=-]{0,255}$/;
const ENGINE_HOST = /^(unix:\/\/\/[\w./-]+|tcp:\/\/[\w.-]+:\d{1,5}|npipe:\/\/[\w./\\-]+)$/;

/**
 * Parses raw settings (unset or empty means "use the default"). `displayName` turns a setting name
 * into the name the user wrote (an Action input, a CLI option, an environment variable).
 */
export function parseSessionConfig(
  raw: RawSettings,
  displayName: (setting: SettingName) => string = (setting) => setting,
): SessionConfig {
  const value = (setting: SettingName): string | undefined => {
    const text = raw[setting]?.trim();
    return text === undefined || text === '' ? SETTING_DOCS[setting].default : text;
  };
  const fail = (setting: SettingName, text: string, accepted: string): never => {
    throw new BadInputError(displayName(setting), text, accepted);
  };

  const text = (setting: SettingName, pattern: RegExp, accepted: string): string => {
    const v = value(setting);
    if (v === undefined || !pattern.test(v)) return fail(setting, v ?? '', accepted);
    return v;
  };
  const boolean = (setting: SettingName): boolean => {
    const v = value(setting) ?? '';
    return parseBoolean(v) ?? fail(setting, v, BOOLEAN_FORM);
  };
  const optionalSize = (setting: SettingName, min: number): number | undefined => {
    const v = value(setting);
    if (v === undefined) return undefined;
    const bytes = parseSize(v);
    if (bytes === undefined || bytes < min) return fail(setting, v, `${SIZE_FORM}, at least ${min} bytes`);
    return bytes;
  };
  const duration = (setting: SettingName, min: number, max: number): number => {
    const v = value(setting) ?? '';
    const seconds = parseDuration(v);
    if (seconds === undefined || seconds < min || seconds > max) {
      return fail(setting, v, `${DURATION_FORM}, between ${min} s and ${max} s`);
    }
    return seconds;
  };
  const wholeNumber = (setting: SettingName, min: number, max: number): number | undefined => {
    const v = value(setting);
    if (v === undefined) return undefined;
    const n = parseWholeNumber(v);
    if (n === undefined || n < min || n > max)
      return fail(setting, v, `a whole number from ${min} to ${max}`);
    return n;
  };

  const image = value('image') ?? '';
  if (!parseImageRef(image)) fail('image', image, IMAGE_FORM);

  const cpusText = value('cpus');
  let cpus: number | undefined;
  if (cpusText !== undefined) {
    cpus = /^\d{1,4}(\.\d{1,3})?$/.test(cpusText) ? Number(cpusText) : undefined;
    if (cpus === undefined || cpus <= 0) fail('cpus', cpusText, 'a positive number of CPUs such as 2 or 1.5');
  }

  const poolText = value('address-pool');
  let addressPool: Cidr | undefined;
  if (poolText !== undefined) {
    addressPool = parseCidr(poolText);
    if (!addressPool || addressPool.prefix < 8 || addressPool.prefix > 20) {
      fail('address-pool', poolText, 'an IPv4 CIDR from /8 to /20 such as 10.200.0.0/16');
    }
  }

  const engineHost = value('engine-host');
  if (engineHost !== undefined && !ENGINE_HOST.test(engineHost)) {
    fail('engine-host', engineHost, 'unix:///path/to/docker.sock or tcp://host:port');
  }

  const mirrorText = value('registry-mirror') ?? '';
  const registryMirror =
    parseRegistryMirror(mirrorText) ?? fail('registry-mirror', mirrorText, REGISTRY_MIRROR_FORM);

  return {
    runtime: text('runtime', RUNTIME_NAME, 'a runtime name such as sysbox-runc (letters, digits, . _ -)'),
    image,
    cache: boolean('cache'),
    cacheKey: text('cache-key', CACHE_KEY, 'letters, digits and . _ : / @ + = - (at most 256 characters)'),
    cacheMaxSize: optionalSize('cache-max-size', 64 * 1024 ** 2),
    cacheTotalMaxSize: optionalSize('cache-total-max-size', 64 * 1024 ** 2),
    cpus,
    memory: optionalSize('memory', 64 * 1024 ** 2),
    pidsLimit: wholeNumber('pids-limit', 64, 4_194_304)!,
    mtu: wholeNumber('mtu', 576, 9000),
    addressPool,
    daemonConfig: parseDaemonConfig(value('daemon-config') ?? '{}', displayName('daemon-config')),
    startupTimeoutSeconds: duration('startup-timeout', 1, 3600),
    stopTimeoutSeconds: duration('stop-timeout', 1, 600),
    deadlineSeconds: duration('deadline', 60, 30 * 86400),
    engineHost,
    cacheSlots: wholeNumber('cache-slots', 1, 64)!,
    registryMirror,
  };
}

/** A JSON object of daemon.json keys users may set. */
export function parseDaemonConfig(text: string, settingName = 'daemon-config'): Record<string, unknown> {
  const accepted =
    'a JSON object of daemon.json settings, e.g. {"registry-mirrors":["https://mirror.example.com"]}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadInputError(settingName, text, accepted);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadInputError(settingName, text, accepted);
  }
  for (const key of Object.keys(parsed)) {
    const reason = RESERVED_DAEMON_KEYS[key];
    if (reason !== undefined) {
      throw new BadInputError(settingName, text, `a JSON object without "${key}" (${reason})`);
    }
    if (!ALLOWED_DAEMON_KEYS.has(key)) {
      throw new BadInputError(
        settingName,
        text,
        `a JSON object of known daemon.json keys ("${key}" is not one)`,
      );
    }
  }
  return parsed as Record<string, unknown>;
}
