import type { LaunchOptions, Session } from '../session/types.js';
import type { SessionConfig } from '../core/config.js';
import { type CleanupDependencies } from './cleanup.js';
import { type JobContext } from './job.js';
import { type ServiceDefinition } from './services.js';
import { type ImageDependencies } from './job-images.js';
import type { JobResponse } from './job-response.js';
import type { GitlabSettings } from './settings.js';
export interface PrepareDependencies extends CleanupDependencies, Pick<ImageDependencies, 'hostEnv' | 'credentialHelper'> {
    readonly launch: (config: SessionConfig, options: LaunchOptions) => Promise<Session>;
    /** Checks (and, when allowed, installs) the runtime before a DinD session is launched. */
    readonly ensureRuntime?: (config: SessionConfig) => Promise<void>;
    readonly signal?: AbortSignal;
    /** Where CI_DEBUG_SERVICES streams the services' output (the job log). */
    readonly stdout?: NodeJS.WritableStream;
}
export interface PreparedJob {
    readonly jobContainer: string;
    readonly dockerHost: string | undefined;
    readonly sessions: readonly Session[];
}
interface PlannedService {
    readonly index: number;
    readonly definition: ServiceDefinition;
    readonly aliases: readonly string[];
    readonly dind: boolean;
}
export declare function planServices(definitions: readonly ServiceDefinition[], settings: GitlabSettings): PlannedService[];
export declare function prepareJob(context: JobContext, settings: GitlabSettings, deps: PrepareDependencies, response?: JobResponse): Promise<PreparedJob>;
export {};
