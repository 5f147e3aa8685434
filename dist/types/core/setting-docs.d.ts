/** Setting names, defaults and descriptions, shared by the parser, action.yml's check, CLI help and the docs. */
/** The pinned docker:dind image used when no image is configured. */
export declare const DEFAULT_IMAGE = "docker:27.5.1-dind";
export declare const DEFAULT_RUNTIME = "sysbox-runc";
/** Mount an XFS or btrfs volume here for generations (docs/cache.md). */
export declare const DEFAULT_CACHE_STORE = "/var/lib/secure-dind/store";
export declare const SETTING_NAMES: readonly ["runtime", "image", "cache", "cache-key", "cache-max-size", "cache-total-max-size", "cpus", "memory", "pids-limit", "mtu", "address-pool", "daemon-config", "startup-timeout", "stop-timeout", "deadline", "engine-host", "cache-slots", "registry-mirror", "cache-store"];
export type SettingName = (typeof SETTING_NAMES)[number];
export interface SettingDoc {
    readonly description: string;
    /** Default as written by a user; undefined: unset. */
    readonly default: string | undefined;
}
export declare const SETTING_DOCS: Record<SettingName, SettingDoc>;
