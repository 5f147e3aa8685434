/** The job, helper and plain service containers of a GitLab job, as Engine API create bodies. Pure. */
/** PID 1 of the job and helper containers: waits until stopped; scripts run beside it as execs. */
export declare const JOB_CONTAINER_KEEPER: string[];
export interface JobContainerSpec {
    readonly image: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly env: readonly string[];
    readonly entrypoint?: readonly string[];
    readonly cmd?: readonly string[];
    readonly hostname?: string;
    /** Host paths the runner protocol needs at the same path inside (the builds directory). */
    readonly binds?: readonly string[];
    readonly network: string;
    readonly aliases?: readonly string[];
}
/** Unprivileged, default capabilities, on the job's network; binds only as the protocol needs. */
export declare function containerBody(spec: JobContainerSpec): Record<string, unknown>;
