export declare const JOB_RESPONSE_FILE_ENV = "JOB_RESPONSE_FILE";
/** The first GitLab Runner release that writes the job response file for custom executors. */
export declare const JOB_RESPONSE_MIN_RUNNER = "14.1";
/** The first release whose job response carries git_info.protected. */
export declare const PROTECTED_FLAG_MIN_RUNNER = "18.4";
export interface JobResponse {
    readonly jobId: string;
    /** sha256 of the job token (the token itself is a secret and is never kept). */
    readonly tokenDigest: string;
    readonly projectId: string;
    /** group/project; from job_info.project_full_path (runner 18.5+) or the repository URL. */
    readonly projectPath: string | undefined;
    /** The GitLab server's host, from the repository URL the server handed out. */
    readonly serverHost: string | undefined;
    /** git_info.protected; undefined when the runner predates it (treated as unprotected). */
    readonly protectedRef: boolean | undefined;
    readonly ref: string | undefined;
    /** The response's image, services and variables, for the job-chosen settings that read them. */
    readonly image: unknown;
    readonly services: unknown;
    readonly variables: readonly JobResponseVariable[];
    /**
     * Registry logins the server hands the runner (type "registry": GitLab's container registry with
     * the job token). Secrets: kept in memory for image pulls only, never logged or written.
     */
    readonly credentials: readonly JobResponseCredential[];
}
export interface JobResponseCredential {
    readonly type: string;
    readonly url: string;
    readonly username: string;
    readonly password: string;
}
export interface JobResponseVariable {
    readonly key: string;
    readonly value: string;
    readonly file: boolean;
}
/** Parses the job response; a file that is not one is a system failure naming the file. */
export declare function parseJobResponse(text: string, path: string): JobResponse;
/**
 * The job response the runner named in the environment; undefined when it named none (a runner
 * older than 14.1, or the driver run by hand). A named file that cannot be read or parsed is a
 * system failure: the runner promised it.
 */
export declare function loadJobResponse(env: NodeJS.ProcessEnv): JobResponse | undefined;
