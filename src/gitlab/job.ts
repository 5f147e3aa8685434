/**
 * What one GitLab job is: its identity, resource names, directories and cache key, from the trusted
 * job response (see job-response.ts) and the driver settings, plus what the job may choose itself
 * from its CUSTOM_ENV_* variables (image, services, DOCKER_TLS_CERTDIR). The same inputs give the
 * same result in config, prepare, run and cleanup (each is a separate process). Pure.
 */
import { type CacheScope, DEFAULT_SCOPE, cacheScope, isScopeName } from '../core/generations.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SystemError, BadInputError } from '../core/errors.js';
import { IMAGE_FORM, parseImageRef } from '../core/image-ref.js';
import { CERT_DIR_IN_CONTAINER } from '../core/spec.js';
import { JOB_RESPONSE_FILE_ENV, JOB_RESPONSE_MIN_RUNNER, type JobResponse } from './job-response.js';
import type { GitlabSettings } from './settings.js';

export const CUSTOM_ENV_PREFIX = 'CUSTOM_ENV_';

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

interface Identity {
  readonly trust: JobTrust;
  readonly jobId: string;
  readonly tokenDigest: string;
  readonly projectId: string;
  readonly projectPath: string | undefined;
  readonly serverHost: string | undefined;
  readonly protectedRef: boolean;
  readonly ref: string | undefined;
}

/** The identity from the job response, or (only when the administrator allowed it) from job variables. */
function identityOf(
  variables: Readonly<Record<string, string>>,
  settings: GitlabSettings,
  response: JobResponse | undefined,
): Identity {
  if (response) {
    return {
      trust: 'job-response',
      jobId: response.jobId,
      tokenDigest: response.tokenDigest,
      projectId: response.projectId,
      projectPath: response.projectPath,
      serverHost: response.serverHost,
      protectedRef: response.protectedRef === true,
      ref: response.ref,
    };
  }
  if (!settings.trustJobVariables) {
    throw new SystemError(`GitLab Runner gave the driver no job response file (${JOB_RESPONSE_FILE_ENV})`, {
      hint:
        `Upgrade GitLab Runner to ${JOB_RESPONSE_MIN_RUNNER} or later: the driver takes the job's identity, project and ` +
        'protection only from that file, never from variables a job can set. On a runner used by one trusted ' +
        'project only, the setting trust-job-variables=true restores the old behaviour (unsafe on shared runners).',
    });
  }
  const jobId = variables.CI_JOB_ID?.trim() ?? '';
  if (!/^\d{1,20}$/.test(jobId)) {
    throw new SystemError(`CUSTOM_ENV_CI_JOB_ID is ${jobId === '' ? 'unset' : `not a job id: ${jobId}`}`, {
      hint: 'The gitlab subcommands are meant to be run by GitLab Runner as a custom executor.',
    });
  }
  return {
    trust: 'job-variables',
    jobId,
    tokenDigest: createHash('sha256')
      .update(variables.CI_JOB_TOKEN ?? '')
      .digest('hex'),
    projectId: component(variables.CI_PROJECT_ID, '0'),
    projectPath: variables.CI_PROJECT_PATH,
    serverHost: variables.CI_SERVER_HOST || hostOf(variables.CI_SERVER_URL),
    protectedRef: variables.CI_COMMIT_REF_PROTECTED === 'true',
    ref: variables.CI_COMMIT_REF_NAME,
  };
}

/** Job variables that disagree with the trusted identity: a job tried (or a runner misreports). */
function forgedVariables(variables: Readonly<Record<string, string>>, identity: Identity): string[] {
  if (identity.trust !== 'job-response') return [];
  const claims: [string, string | undefined][] = [
    ['CI_JOB_ID', identity.jobId],
    ['CI_PROJECT_ID', identity.projectId],
    ['CI_PROJECT_PATH', identity.projectPath],
    ['CI_SERVER_HOST', identity.serverHost],
    ['CI_COMMIT_REF_PROTECTED', String(identity.protectedRef)],
  ];
  return claims
    .filter(([name, trusted]) => {
      const claimed = variables[name];
      return claimed !== undefined && trusted !== undefined && claimed !== trusted;
    })
    .map(
      ([name, trusted]) => `${name}=${JSON.stringify(variables[name])} (trusted: ${JSON.stringify(trusted)})`,
    );
}

export function jobContext(
  env: NodeJS.ProcessEnv,
  settings: GitlabSettings,
  response: JobResponse | undefined,
): JobContext {
  const variables = jobVariables(env);
  const identity = identityOf(variables, settings, response);
  const { jobId, projectId, protectedRef } = identity;
  const serverHost = component(identity.serverHost?.replace(/:/g, '-'), 'gitlab');
  const label = `gitlab/${serverHost}/${jobId}/${identity.tokenDigest.slice(0, 16)}`;
  const digest = createHash('sha256').update(label).digest('hex').slice(0, 8);
  const namePrefix = `secure-dind-gl-${jobId}-${digest}`;

  const jobImage = variables.CI_JOB_IMAGE?.trim() || settings.defaultImage;
  if (!parseImageRef(jobImage)) throw new BadInputError('image (CI_JOB_IMAGE)', jobImage, IMAGE_FORM);

  let tlsCertDir = variables.DOCKER_TLS_CERTDIR?.trim() || CERT_DIR_IN_CONTAINER;
  if (!tlsCertDir.startsWith('/') || tlsCertDir.split('/').includes('..')) {
    throw new BadInputError('DOCKER_TLS_CERTDIR', tlsCertDir, 'an absolute path such as /certs');
  }
  tlsCertDir = tlsCertDir.replace(/\/+$/, '') || CERT_DIR_IN_CONTAINER;

  return {
    jobId,
    trust: identity.trust,
    projectId,
    projectPath: identity.projectPath,
    serverHost,
    label,
    namePrefix,
    networkName: `${namePrefix}-net`,
    jobContainerName: `${namePrefix}-job`,
    helperContainerName: `${namePrefix}-helper`,
    hostname: `${namePrefix}-job`.slice(0, 63),
    buildsBase: join(settings.buildsDir, serverHost, projectId),
    buildsLeaseDir: join(settings.stateDir, 'gitlab', 'builds-leases', serverHost, projectId),
    cacheDir: join(settings.cacheDir, serverHost, projectId),
    stateFile: join(settings.stateDir, 'gitlab', `${namePrefix}.json`),
    certParentDir: join(settings.stateDir, 'gitlab', 'certs'),
    cacheKey: `gitlab/${serverHost}/project-${projectId}/${protectedRef ? 'protected' : 'unprotected'}`,
    cacheScope: jobCacheScope(identity.ref, variables.CI_DEFAULT_BRANCH),
    protectedRef,
    jobImage,
    tlsCertDir,
    variables,
    forgedVariables: forgedVariables(variables, identity),
  };
}

/**
 * The job's generation scope inside its cache key (protected and unprotected refs have separate
 * keys, so an unprotected ref never writes to, nor reads, a protected ref's cache): its own ref
 * from the trusted context, falling back to the default branch's (a read only).
 */
export function jobCacheScope(ref: string | undefined, defaultBranch: string | undefined): CacheScope {
  const scope = (name: string | undefined) => (name && isScopeName(name) ? name : undefined);
  const own = scope(ref) ?? scope(defaultBranch) ?? DEFAULT_SCOPE;
  return cacheScope(
    own,
    [scope(defaultBranch)].filter((name): name is string => name !== undefined),
  );
}

/** Name of the container of the service at this position. */
export function serviceContainerName(context: JobContext, index: number, alias: string): string {
  return `${context.namePrefix}-svc${index}-${alias.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 120);
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
