/**
 * The trusted job context: the job response GitLab Runner writes to the file named by
 * JOB_RESPONSE_FILE (GitLab Runner 14.1 and later). It is what the GitLab server sent the runner,
 * so a job cannot change it; CUSTOM_ENV_* variables, by contrast, follow the CI/CD variable
 * precedence and a job can override them in its `variables:`. Everything that decides identity,
 * isolation or trust (job id, token, project, server, protection) is taken from here.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SystemError } from '../core/errors.js';

export const JOB_RESPONSE_FILE_ENV = 'JOB_RESPONSE_FILE';
/** The first GitLab Runner release that writes the job response file for custom executors. */
export const JOB_RESPONSE_MIN_RUNNER = '14.1';
/** The first release whose job response carries git_info.protected. */
export const PROTECTED_FLAG_MIN_RUNNER = '18.4';

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

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  return undefined;
}

/** group/project and host from a repository URL such as https://gitlab-ci-token:T@host/group/project.git. */
function fromRepoUrl(repoUrl: unknown): { host?: string; path?: string } {
  if (typeof repoUrl !== 'string') return {};
  try {
    const url = new URL(repoUrl);
    const path = decodeURIComponent(url.pathname)
      .replace(/^\/+/, '')
      .replace(/\.git\/?$/, '');
    return { host: url.host || undefined, path: path || undefined };
  } catch {
    return {};
  }
}

/** Parses the job response; a file that is not one is a system failure naming the file. */
export function parseJobResponse(text: string, path: string): JobResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SystemError(`the job response file ${path} is not JSON`);
  }
  const response = record(parsed);
  const jobId = idText(response.id);
  const token = typeof response.token === 'string' ? response.token : '';
  const jobInfo = record(response.job_info);
  const gitInfo = record(response.git_info);
  const projectId = idText(jobInfo.project_id);
  if (jobId === undefined || token === '' || projectId === undefined) {
    throw new SystemError(
      `the job response file ${path} lacks the job id, token or job_info.project_id GitLab Runner writes`,
    );
  }
  const repo = fromRepoUrl(gitInfo.repo_url);
  const fullPath = typeof jobInfo.project_full_path === 'string' ? jobInfo.project_full_path : '';
  const variables = Array.isArray(response.variables)
    ? response.variables
        .map(record)
        .filter((v) => typeof v.key === 'string' && typeof v.value === 'string')
        .map((v) => ({ key: v.key as string, value: v.value as string, file: v.file === true }))
    : [];
  const credentials = Array.isArray(response.credentials)
    ? response.credentials
        .map(record)
        .filter((c) => ['type', 'url', 'username', 'password'].every((key) => typeof c[key] === 'string'))
        .map((c) => ({
          type: c.type as string,
          url: c.url as string,
          username: c.username as string,
          password: c.password as string,
        }))
    : [];
  return {
    jobId,
    tokenDigest: createHash('sha256').update(token).digest('hex'),
    projectId,
    projectPath: fullPath || repo.path,
    serverHost: repo.host,
    protectedRef: typeof gitInfo.protected === 'boolean' ? gitInfo.protected : undefined,
    ref: typeof gitInfo.ref === 'string' ? gitInfo.ref : undefined,
    image: response.image,
    services: response.services,
    variables,
    credentials,
  };
}

/**
 * The job response the runner named in the environment; undefined when it named none (a runner
 * older than 14.1, or the driver run by hand). A named file that cannot be read or parsed is a
 * system failure: the runner promised it.
 */
export function loadJobResponse(env: NodeJS.ProcessEnv): JobResponse | undefined {
  const path = env[JOB_RESPONSE_FILE_ENV];
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SystemError(`cannot read the job response file ${path}`, { cause: error });
  }
  return parseJobResponse(text, path);
}
