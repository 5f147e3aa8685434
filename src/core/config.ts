/**
 * The one place where settings are parsed and validated. Every face (GitHub inputs, CLI options and
 * environment variables, GitLab driver settings) hands raw strings here, keyed by the setting names
 * (setting-docs.ts), and gets a typed SessionConfig or a BadInputError naming the setting as the
 * user wrote it. Nothing is created before this succeeds.
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

import { SETTING_DOCS, type SettingName } from './setting-docs.js';

export {
  DEFAULT_IMAGE,
  DEFAULT_RUNTIME,
  DEFAULT_CACHE_STORE,
  SETTING_DOCS,
  SETTING_NAMES,
  type SettingDoc,
  type SettingName,
} from './setting-docs.js';

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
  /**
   * Directory on the engine's host for cache generations (cloned copy-on-write: XFS or btrfs);
   * undefined ("off"): slot volumes only.
   */
  readonly cacheStore: string | undefined;
}

export type RawSettings = Partial<Record<SettingName, string | undefined>>;

/** The environment variable of a setting: SECURE_DIND_CACHE_KEY for cache-key. */
export function settingEnvName(setting: string): string {
  return `SECURE_DIND_${setting.toUpperCase().replace(/-/g, '_')}`;
}

const RUNTIME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CACHE_KEY = /^[A-Za-z0-9][A-Za-z0-9_.:/@+=-]{0,255}$/;
/** An absolute path without "." or ".." parts: it becomes a bind source on the engine's host. */
const CACHE_STORE = /^(\/(?!\.{1,2}(\/|$))[A-Za-z0-9_.@+-]+)+\/?$/;
const CACHE_STORE_FORM = 'off, or an absolute path of letters, digits and . _ @ + - (no "." or ".." parts)';
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

  const storeText = value('cache-store') ?? '';
  const cacheStore = storeText === 'off' ? undefined : storeText;
  if (cacheStore !== undefined && !CACHE_STORE.test(cacheStore))
    fail('cache-store', storeText, CACHE_STORE_FORM);

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
    cacheStore,
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
