/**
 * The config stage: GitLab Runner reads a JSON object from config_exec's stdout (unknown keys are
 * ignored; invalid JSON fails the stage). Pure: the command prints what this returns.
 */
import type { JobContext } from './job.js';
export declare const DRIVER_NAME = "secure-dind";
export interface ConfigOutput {
    readonly builds_dir: string;
    readonly cache_dir: string;
    readonly builds_dir_is_shared: boolean;
    readonly hostname: string;
    readonly driver: {
        readonly name: string;
        readonly version: string;
    };
    readonly shell: 'bash';
    readonly job_env?: Readonly<Record<string, string>>;
}
export declare function configOutput(context: JobContext, buildsDir: string, version: string, configPath: string | undefined): ConfigOutput;
