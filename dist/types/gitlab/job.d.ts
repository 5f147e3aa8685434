/**
 * What one GitLab job is: its identity, resource names, directories and cache key, from the trusted
 * job response (see job-response.ts) and the driver settings, plus what the job may choose itself
 * from its CUSTOM_ENV_* variables (image, services, DOCKER_TLS_CERTDIR). The same inputs give the
 * same result in config, prepare, run and cleanup (each is a separate process). Pure.
 */
import { type CacheScope } from '../core/generations.js';
import { type JobResponse } from './job-response.js';
import type { GitlabSettings } from './settings.js';
export declare const CUSTOM_ENV_PREFIX = "CUSTOM_ENV_";
/** Where the job's identity came from. */
export type JobTrust = 'job-response' | 'job-variables';
export interface JobContext {
    readonly jobId: string;
    readonly trust: JobTrust;
    readonly projectId: string;
    readonly projectPath: string | undefined;
    readonly serverHost: string;
    /**
     * Value of the job label on everything the driver creates for this job: server, job id and a
     * digest of the job token, so that no other job can address (or clean up) these resources.
     */
    readonly label: string;
    /** Prefix of the job's container and network names. */
    readonly namePrefix: string;
    readonly networkName: string;
    readonly jobContainerName: string;
    /** Where the stages that need git or gitlab-runner run (never the runner host). */
    readonly helperContainerName: string;
    /** Hostname of the job container (what `config` reports to the runner). */
    readonly hostname: string;
    /** Parent of the project's builds directories; one leased slot below it per running job. */
    readonly buildsBase: string;
    /** Where the builds-directory leases of this project live. */
    readonly buildsLeaseDir: string;
    readonly cacheDir: string;
    readonly stateFile: string;
    readonly certParentDir: string;
    /** DinD cache scope: per GitLab server and project, protected refs apart from the rest. */
    readonly cacheKey: string;
    /** Generation scope within the key: the trusted ref, falling back to the default branch. */
    readonly cacheScope: CacheScope;
    readonly protectedRef: boolean;
    readonly jobImage: string;
    /** $DOCKER_TLS_CERTDIR of the job (client certificates go to its client/ subdirectory). */
    readonly tlsCertDir: string;
    /** The job's variables (CUSTOM_ENV_* without the prefix): only for what a job may choose. */
    readonly variables: Readonly<Record<string, string>>;
    /** Job variables that claim another identity than the trusted context (logged; ignored). */
    readonly forgedVariables: readonly string[];
}
/** The job's own variables, as the runner passes them to a custom executor. */
export declare function jobVariables(env: NodeJS.ProcessEnv): Record<string, string>;
export declare function jobContext(env: NodeJS.ProcessEnv, settings: GitlabSettings, response: JobResponse | undefined): JobContext;
/**
 * The job's generation scope inside its cache key (protected and unprotected refs have separate
 * keys, so an unprotected ref never writes to, nor reads, a protected ref's cache): its own ref
 * from the trusted context, falling back to the default branch's (a read only).
 */
export declare function jobCacheScope(ref: string | undefined, defaultBranch: string | undefined): CacheScope;
/** Name of the container of the service at this position. */
export declare function serviceContainerName(context: JobContext, index: number, alias: string): string;
