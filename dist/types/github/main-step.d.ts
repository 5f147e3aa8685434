/**
 * The Action's main step: inputs -> (runtime) -> launch -> environment, outputs, context, summary.
 * Everything it talks to comes in through MainDeps, so it runs the same under the runner and in tests.
 */
import type { SessionConfig } from '../core/config.js';
import type { LaunchOptions, Logger, Session } from '../session/types.js';
import type { ActionIo } from './io.js';
export declare const CONTEXT_NAME = "secure-dind";
/** `install-runtime: auto`: makes sure the runtime is there (installing it when it may). */
export type EnsureRuntime = (config: SessionConfig, options: {
    readonly log: Logger;
    readonly signal: AbortSignal;
}) => Promise<{
    readonly sysboxVersion?: string | undefined;
    readonly warning?: string | undefined;
}>;
export interface MainDeps {
    readonly io: ActionIo;
    /** The step's environment (inputs, GITHUB_*, RUNNER_TEMP). */
    readonly env: NodeJS.ProcessEnv;
    readonly launch: (config: SessionConfig, options: LaunchOptions) => Promise<Session>;
    /** Used for `install-runtime: auto`; without it, auto behaves like never. */
    readonly ensureRuntime?: EnsureRuntime;
    /** Aborted when the runner cancels the step; launch then removes what it created. */
    readonly signal: AbortSignal;
    readonly now?: () => number;
}
/** Runs the main step. Never throws: a failure fails the step (setFailed) and leaves state for post. */
export declare function runMain(deps: MainDeps): Promise<void>;
/** The job's identity, recorded as a label on what the session creates. */
export declare function jobIdentity(env: NodeJS.ProcessEnv): string | undefined;
export declare function pickDockerEnv(env: NodeJS.ProcessEnv): Record<string, string>;
export declare const DOCKER_ENV: readonly ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"];
