/**
 * What one GitLab job is, derived from the variables the runner passes (CUSTOM_ENV_*) and the
 * driver settings: its identity label, resource names, directories, cache key and images. The same
 * inputs give the same result in config, prepare, run and cleanup (each is a separate process). Pure.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SystemError, BadInputError } from '../core/errors.js';
import { IMAGE_FORM, parseImageRef } from '../core/image-ref.js';
import type { GitlabSettings } from './settings.js';

export const CUSTOM_ENV_PREFIX = 'CUSTOM_ENV_';
export const DEFAULT_TLS_CERTDIR = '/certs';

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
export function jobVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(CUSTOM_ENV_PREFIX) && value !== undefined && key.length > CUSTOM_ENV_PREFIX.length) {
      variables[key.slice(CUSTOM_ENV_PREFIX.length)] = value;
    }
  }
  return variables;
}

/** One path component from an arbitrary value. */
function component(value: string | undefined, fallback: string): string {
  const cleaned = (value ?? '')
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 64);
  return cleaned === '' ? fallback : cleaned;
}

export function jobContext(env: NodeJS.ProcessEnv, settings: GitlabSettings): JobContext {
  const variables = jobVariables(env);
  const jobId = variables.CI_JOB_ID?.trim() ?? '';
  if (!/^\d{1,20}$/.test(jobId)) {
    throw new SystemError(`CUSTOM_ENV_CI_JOB_ID is ${jobId === '' ? 'unset' : `not a job id: ${jobId}`}`, {
      hint: 'The gitlab subcommands are meant to be run by GitLab Runner as a custom executor.',
    });
  }
  const server = variables.CI_SERVER_URL || variables.CI_SERVER_HOST || 'gitlab';
  const serverHost =
    (variables.CI_SERVER_HOST || hostOf(server)).replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 100) || 'gitlab';
  const digest = createHash('sha256').update(`${server}\n${jobId}`).digest('hex').slice(0, 8);
  const namePrefix = `secure-dind-gl-${jobId}-${digest}`;
  const projectId = component(variables.CI_PROJECT_ID, '0');
  const runner = component(variables.CI_RUNNER_SHORT_TOKEN || variables.CI_RUNNER_ID, 'runner');
  const concurrent = component(variables.CI_CONCURRENT_PROJECT_ID, '0');
  const protectedRef = variables.CI_COMMIT_REF_PROTECTED === 'true';

  const jobImage = variables.CI_JOB_IMAGE?.trim() || settings.defaultImage;
  if (!parseImageRef(jobImage)) throw new BadInputError('image (CI_JOB_IMAGE)', jobImage, IMAGE_FORM);

  let tlsCertDir = variables.DOCKER_TLS_CERTDIR?.trim() || DEFAULT_TLS_CERTDIR;
  if (!tlsCertDir.startsWith('/') || tlsCertDir.split('/').includes('..')) {
    throw new BadInputError('DOCKER_TLS_CERTDIR', tlsCertDir, 'an absolute path such as /certs');
  }
  tlsCertDir = tlsCertDir.replace(/\/+$/, '') || DEFAULT_TLS_CERTDIR;

  return {
    jobId,
    label: `gitlab/${serverHost}/${jobId}`,
    namePrefix,
    networkName: `${namePrefix}-net`,
    jobContainerName: `${namePrefix}-job`,
    hostname: `${namePrefix}-job`.slice(0, 63),
    buildsDir: join(settings.buildsDir, runner, projectId, concurrent),
    cacheDir: join(settings.cacheDir, runner, projectId),
    stateFile: join(settings.stateDir, 'gitlab', `${namePrefix}.json`),
    certParentDir: join(settings.stateDir, 'gitlab', 'certs'),
    cacheKey: `gitlab/${serverHost}/project-${projectId}/${protectedRef ? 'protected' : 'unprotected'}`,
    protectedRef,
    jobImage,
    tlsCertDir,
    variables,
  };
}

/** Name of the container of the service at this position. */
export function serviceContainerName(context: JobContext, index: number, alias: string): string {
  return `${context.namePrefix}-svc${index}-${alias.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 120);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
