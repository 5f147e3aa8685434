import { type Cidr } from './cidr.js';
import { type RegistryMirrorSetting } from './mirror.js';
import { type SettingName } from './setting-docs.js';
export { DEFAULT_IMAGE, DEFAULT_RUNTIME, DEFAULT_CACHE_STORE, SETTING_DOCS, SETTING_NAMES, type SettingDoc, type SettingName, } from './setting-docs.js';
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
export declare function settingEnvName(setting: string): string;
/**
 * Parses raw settings (unset or empty means "use the default"). `displayName` turns a setting name
 * into the name the user wrote (an Action input, a CLI option, an environment variable).
 */
export declare function parseSessionConfig(raw: RawSettings, displayName?: (setting: SettingName) => string): SessionConfig;
/** A JSON object of daemon.json keys users may set. */
export declare function parseDaemonConfig(text: string, settingName?: string): Record<string, unknown>;
