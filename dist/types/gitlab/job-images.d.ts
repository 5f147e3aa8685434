/**
 * The job's images, planned before anything is created: the job image's entrypoint and pull
 * policies, each service's policies, and the registry credentials, all validated once (a pull
 * policy the administrator does not allow, or an invalid DOCKER_AUTH_CONFIG, fails the job here);
 * then every image that is not a DinD session's is made available under its policies.
 */
import type { EnginePort, Logger } from '../ports.js';
import type { JobContext } from './job.js';
import type { JobResponse } from './job-response.js';
import { type PullPolicy } from './pull-policy.js';
import { type AuthEntry } from './registry-auth.js';
import { type CredentialHelper } from './registry-credentials.js';
import { type ServiceDefinition } from './services.js';
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
export declare function jobServices(context: JobContext, response: JobResponse | undefined): ServiceDefinition[];
export declare function planImages(context: JobContext, settings: GitlabSettings, response: JobResponse | undefined, deps: ImageDependencies): Promise<ImagePlan>;
/** Makes the job image and the services' images (but DinD's, which the session brings) available. */
export declare function pullImages(plan: ImagePlan, isDind: (index: number) => boolean, deps: ImageDependencies): Promise<void>;
/** Job variables a service container gets: all but the registry credentials. */
export declare function serviceEnvironment(jobVariables: Readonly<Record<string, string>>, service: ServiceDefinition): Record<string, string>;
