import type { Logger } from '../ports.js';
import { type AuthEntry, type RegistryAuth, type RegistryCredential } from './registry-auth.js';
/** Runs `docker-credential-NAME ACTION` with the input on stdin; resolves its stdout. */
export type CredentialHelper = (name: string, action: 'get' | 'list', input: string) => Promise<string>;
export declare const runCredentialHelper: CredentialHelper;
/** The host's Docker client configuration file of the driver's user, as the docker CLI finds it. */
export declare function hostDockerConfigPath(env: NodeJS.ProcessEnv): string | undefined;
export interface CredentialSources {
    /** The job's DOCKER_AUTH_CONFIG (its CI/CD or .gitlab-ci.yml variable), when set. */
    readonly dockerAuthConfig: string | undefined;
    /** The driver's own environment (HOME, DOCKER_CONFIG), never the job's. */
    readonly hostEnv: NodeJS.ProcessEnv;
    readonly payload: readonly RegistryCredential[];
}
/**
 * Every source's entries, merged by precedence. An invalid DOCKER_AUTH_CONFIG is the job's mistake
 * and is refused (a build failure naming it); an unreadable host configuration only warns, as the
 * Docker executor does.
 */
export declare function loadAuthEntries(sources: CredentialSources, helper: CredentialHelper, log: Logger): Promise<AuthEntry[]>;
/** The credentials of an entry, asking its helper when it has one; undefined when the helper fails. */
export declare function entryAuth(entry: AuthEntry, helper: CredentialHelper, log: Logger): Promise<RegistryAuth | undefined>;
