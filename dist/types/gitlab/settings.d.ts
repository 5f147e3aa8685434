import { type SessionConfig, type SettingName } from '../core/config.js';
import { type RunnerPullPolicies } from './pull-policy.js';
export declare const CONFIG_PATH_ENV = "SECURE_DIND_GITLAB_CONFIG";
/** The session settings an administrator may set (the cache key is derived per project). */
export declare const SESSION_SETTING_NAMES: ("mtu" | "cache" | "image" | "runtime" | "cache-max-size" | "cache-total-max-size" | "cpus" | "memory" | "pids-limit" | "address-pool" | "daemon-config" | "startup-timeout" | "stop-timeout" | "deadline" | "engine-host" | "cache-slots" | "registry-mirror" | "cache-store")[];
type SessionSettingName = Exclude<SettingName, 'cache-key'>;
export declare const GITLAB_SETTING_NAMES: readonly ["default-image", "helper-image", "dind-images", "state-dir", "builds-dir", "cache-dir", "install-runtime", "trust-job-variables", "pull-policy", "allowed-pull-policies", "wait-for-services-timeout"];
type GitlabSettingName = (typeof GITLAB_SETTING_NAMES)[number];
export type DriverSettingName = GitlabSettingName | SessionSettingName;
export declare const DEFAULT_JOB_IMAGE = "docker:27.5.1-cli";
/** GitLab's own helper image (git, git-lfs, ca-certificates), as the Docker executor uses it. */
export declare const DEFAULT_HELPER_IMAGE: string;
export declare const GITLAB_SETTING_DOCS: Record<GitlabSettingName, {
    description: string;
    default: string | undefined;
}>;
export interface GitlabSettings {
    readonly defaultImage: string;
    readonly helperImage: string;
    readonly dindImages: readonly string[];
    readonly stateDir: string;
    readonly buildsDir: string;
    readonly cacheDir: string;
    /** The DinD image the administrator imposes; undefined: each DinD service's own image. */
    readonly dindImage: string | undefined;
    /** Lifetime after which the job's resources count as orphans (the session setting "deadline"). */
    readonly deadlineSeconds: number;
    /** Grace for stopping a DinD container found only by label. */
    readonly stopTimeoutSeconds: number;
    /** The Docker engine everything runs on (the session setting "engine-host"). */
    readonly engineHost: string | undefined;
    readonly installRuntime: 'auto' | 'never';
    /** Accept a job identity from CUSTOM_ENV_ variables when there is no job response file (unsafe). */
    readonly trustJobVariables: boolean;
    /** The runner's default and allowed pull policies. */
    readonly pullPolicies: RunnerPullPolicies;
    /** Wait for services' ports this long; 0: do not wait. */
    readonly waitForServicesSeconds: number;
    /**
     * The session settings for one DinD service (validated at load time already, so this only
     * fails for the job's own image reference).
     */
    sessionConfig(input: {
        readonly serviceImage: string;
        readonly cacheKey: string;
    }): SessionConfig;
}
/** Reads the file (when given) and the environment; throws a SystemError naming the setting. */
export declare function loadSettings(env: NodeJS.ProcessEnv, configPath?: string): GitlabSettings;
export {};
