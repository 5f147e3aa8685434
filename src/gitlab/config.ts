/**
 * The config stage: GitLab Runner reads a JSON object from config_exec's stdout (unknown keys are
 * ignored; invalid JSON fails the stage). Pure: the command prints what this returns.
 */
import type { JobContext } from './job.js';
import { CONFIG_PATH_ENV } from './settings.js';

export const DRIVER_NAME = 'secure-dind';

export interface ConfigOutput {
  readonly builds_dir: string;
  readonly cache_dir: string;
  readonly builds_dir_is_shared: boolean;
  readonly hostname: string;
  readonly driver: { readonly name: string; readonly version: string };
  readonly shell: 'bash';
  readonly job_env?: Readonly<Record<string, string>>;
}

export function configOutput(
  context: JobContext,
  buildsDir: string,
  version: string,
  configPath: string | undefined,
): ConfigOutput {
  return {
    // Exclusive to this job while it runs (a slot of its project leased by the driver, not a
    // job-overridable concurrency variable), so the runner need not add its own levels.
    builds_dir: buildsDir,
    cache_dir: context.cacheDir,
    builds_dir_is_shared: false,
    hostname: context.hostname,
    driver: { name: DRIVER_NAME, version },
    // The run stages start the runner's scripts with bash (on the host) or pipe them to bash (in
    // the job container, falling back to sh).
    shell: 'bash',
    // job_env reaches later driver calls only (not the job): a --config given to config_exec alone
    // then also applies to prepare, run and cleanup.
    ...(configPath === undefined ? {} : { job_env: { [CONFIG_PATH_ENV]: configPath } }),
  };
}
