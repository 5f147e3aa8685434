import type { GitlabSettings } from './settings.js';
export declare const CUSTOM_ENV_PREFIX = "CUSTOM_ENV_";
export declare const DEFAULT_TLS_CERTDIR = "/certs";
export interface JobContext {
    readonly jobId: string;
    /** Value of the job label on everything the driver creates for this job. */
    readonly label: string;
    /** Prefix of the job's container and network names. */
    readonly namePrefix: string;
    readonly networkName: string;
    readonly jobContainerName: string;
    /** Hostname of the job container (what `config` reports to the runner). */
    readonly hostname: string;
    /** builds_dir given to the runner: exclusive to one running job of one project on this runner. */
    readonly buildsDir: string;
    readonly cacheDir: string;
    readonly stateFile: string;
    readonly certParentDir: string;
    /** DinD cache scope: per GitLab server and project, protected refs apart from the rest. */
    readonly cacheKey: string;
    readonly protectedRef: boolean;
    readonly jobImage: string;
    /** $DOCKER_TLS_CERTDIR of the job (client certificates go to its client/ subdirectory). */
    readonly tlsCertDir: string;
    /** The job's variables (CUSTOM_ENV_* without the prefix). */
    readonly variables: Readonly<Record<string, string>>;
}
/** The job's own variables, as the runner passes them to a custom executor. */
export declare function jobVariables(env: NodeJS.ProcessEnv): Record<string, string>;
export declare function jobContext(env: NodeJS.ProcessEnv, settings: GitlabSettings): JobContext;
/** Name of the container of the service at this position. */
export declare function serviceContainerName(context: JobContext, index: number, alias: string): string;
