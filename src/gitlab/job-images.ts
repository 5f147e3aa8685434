/**
 * The job's images, planned before anything is created: the job image's entrypoint and pull
 * policies, each service's policies, and the registry credentials, all validated once (a pull
 * policy the administrator does not allow, or an invalid DOCKER_AUTH_CONFIG, fails the job here);
 * then every image that is not a DinD session's is made available under its policies.
 */
import type { EnginePort, Logger } from '../ports.js';
import { ensureImage } from './images.js';
import type { JobContext } from './job.js';
import type { JobResponse } from './job-response.js';
import { type PullPolicy, effectivePullPolicies } from './pull-policy.js';
import { type AuthEntry, DOCKER_AUTH_CONFIG } from './registry-auth.js';
import { type CredentialHelper, loadAuthEntries, runCredentialHelper } from './registry-credentials.js';
import { parseJobImage, parseServiceList, parseServices, type ServiceDefinition } from './services.js';
import type { GitlabSettings } from './settings.js';

export interface ImagePlan {
  readonly jobImage: string;
  /** The job image's entrypoint override (undefined: the image's own). */
  readonly jobEntrypoint: readonly string[] | undefined;
  readonly jobPolicies: readonly PullPolicy[];
  readonly services: readonly ServiceDefinition[];
  /** Effective pull policies per service, by position. */
  readonly servicePolicies: readonly (readonly PullPolicy[])[];
  readonly authEntries: readonly AuthEntry[];
}

export interface ImageDependencies {
  readonly engine: EnginePort;
  readonly log: Logger;
  /** The driver's own environment: HOME or DOCKER_CONFIG locate the host's Docker credentials. */
  readonly hostEnv: NodeJS.ProcessEnv;
  readonly credentialHelper?: CredentialHelper;
}

/** The job's services: from the job response, or CI_JOB_SERVICES from a runner that writes none. */
export function jobServices(context: JobContext, response: JobResponse | undefined): ServiceDefinition[] {
  return response ? parseServiceList(response.services) : parseServices(context.variables.CI_JOB_SERVICES);
}

export async function planImages(
  context: JobContext,
  settings: GitlabSettings,
  response: JobResponse | undefined,
  deps: ImageDependencies,
): Promise<ImagePlan> {
  const image = parseJobImage(response?.image);
  const services = jobServices(context, response);
  return {
    jobImage: context.jobImage,
    jobEntrypoint: image.entrypoint,
    jobPolicies: effectivePullPolicies(context.jobImage, image.pullPolicies, settings.pullPolicies),
    services,
    servicePolicies: services.map((s) =>
      effectivePullPolicies(s.name, s.pullPolicies, settings.pullPolicies),
    ),
    authEntries: await loadAuthEntries(
      {
        dockerAuthConfig: context.variables[DOCKER_AUTH_CONFIG],
        hostEnv: deps.hostEnv,
        payload: response?.credentials ?? [],
      },
      deps.credentialHelper ?? runCredentialHelper,
      deps.log,
    ),
  };
}

/** Makes the job image and the services' images (but DinD's, which the session brings) available. */
export async function pullImages(
  plan: ImagePlan,
  isDind: (index: number) => boolean,
  deps: ImageDependencies,
): Promise<void> {
  const puller = {
    engine: deps.engine,
    log: deps.log,
    authEntries: plan.authEntries,
    helper: deps.credentialHelper ?? runCredentialHelper,
  };
  await ensureImage(puller, plan.jobImage, 'job image', plan.jobPolicies);
  for (const [index, service] of plan.services.entries()) {
    if (!isDind(index))
      await ensureImage(puller, service.name, 'service image', plan.servicePolicies[index]!);
  }
}

/** Job variables a service container gets: all but the registry credentials. */
export function serviceEnvironment(
  jobVariables: Readonly<Record<string, string>>,
  service: ServiceDefinition,
): Record<string, string> {
  const env: Record<string, string> = { ...jobVariables, ...service.variables };
  delete env[DOCKER_AUTH_CONFIG];
  return env;
}
