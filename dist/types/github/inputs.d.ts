import { type SessionConfig } from '../core/config.js';
import type { CacheScope } from '../core/generations.js';
import type { CacheOutcome } from '../session/types.js';
import { type GitHubRunContext } from './cache-key.js';
/** Inputs that are session settings of the same name. */
export declare const SETTING_INPUTS: ("mtu" | "cache" | "image" | "runtime" | "cache-key" | "cache-max-size" | "cache-total-max-size" | "cpus" | "memory" | "pids-limit" | "address-pool" | "daemon-config" | "startup-timeout" | "stop-timeout" | "deadline" | "engine-host" | "cache-slots" | "registry-mirror" | "cache-store")[];
/** Inputs only the Action has. */
export declare const ACTION_ONLY_INPUTS: readonly ["install-runtime", "set-context", "summary", "job-status"];
/** Every input the Action reads; action.yml declares exactly these (checked by a test). */
export declare const ACTION_INPUTS: readonly [...("mtu" | "cache" | "image" | "runtime" | "cache-key" | "cache-max-size" | "cache-total-max-size" | "cpus" | "memory" | "pids-limit" | "address-pool" | "daemon-config" | "startup-timeout" | "stop-timeout" | "deadline" | "engine-host" | "cache-slots" | "registry-mirror" | "cache-store")[], "install-runtime", "set-context", "summary", "job-status"];
export type ActionInputName = (typeof ACTION_INPUTS)[number];
/** Every output the Action sets; action.yml declares exactly these (checked by a test). */
export declare const ACTION_OUTPUTS: readonly ["docker-host", "cert-path", "container-id", "cache-volume", "cache-hit"];
export type ActionOutputName = (typeof ACTION_OUTPUTS)[number];
export declare const INSTALL_RUNTIME_MODES: readonly ["auto", "never"];
export type InstallRuntimeMode = (typeof INSTALL_RUNTIME_MODES)[number];
export interface ActionInputs {
    readonly config: SessionConfig;
    /** From the runner's GITHUB_REF and the event payload, never from inputs. */
    readonly cacheScope: CacheScope;
    /** What the post step does with a generations cache: commit only when the job succeeded. */
    readonly cacheOutcome: CacheOutcome;
    readonly installRuntime: InstallRuntimeMode;
    readonly setContext: boolean;
    readonly summary: boolean;
}
/** Defaults of the Action-only inputs (action.yml states the same; a test checks). */
export declare const ACTION_ONLY_DEFAULTS: Record<(typeof ACTION_ONLY_INPUTS)[number], string>;
/** How a setting is named in messages: the way the workflow's `with:` names it. */
export declare function inputDisplayName(name: string): string;
/** The environment variable the runner sets for an input (as @actions/core's getInput reads it). */
export declare function inputVariable(name: string): string;
/** An input's value exactly as @actions/core's getInput returns it: trimmed, '' when unset. */
export declare function readInput(env: NodeJS.ProcessEnv, name: ActionInputName): string;
/**
 * Parses every input. Throws BadInputError naming the first bad input; creates nothing.
 * `env` is the step's environment (INPUT_*, GITHUB_REPOSITORY, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH).
 */
export declare function getActionInputs(env: NodeJS.ProcessEnv): ActionInputs;
/**
 * The job-status input (job.status, evaluated again for the post step) as a cache outcome: only
 * "success" commits; failure, cancelled, or anything unexpected discards.
 */
export declare function cacheOutcomeInput(env: NodeJS.ProcessEnv): CacheOutcome;
/** The run's repository and event, read from the runner's environment and event payload file. */
export declare function runContext(env: NodeJS.ProcessEnv): GitHubRunContext;
