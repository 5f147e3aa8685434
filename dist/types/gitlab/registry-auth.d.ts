import type { RegistryAuthConfig } from '../ports.js';
import type { JobResponseCredential } from './job-response.js';
export type RegistryAuth = RegistryAuthConfig;
export type RegistryCredential = JobResponseCredential;
/** One registry's entry from one source; a helper entry is resolved only when chosen. */
export type AuthEntry = {
    readonly path: string;
    readonly source: string;
    readonly auth: RegistryAuth;
} | {
    readonly path: string;
    readonly source: string;
    readonly helper: string;
    readonly server: string;
};
export declare const DOCKER_AUTH_CONFIG = "DOCKER_AUTH_CONFIG";
export declare const JOB_PAYLOAD_SOURCE = "job payload (GitLab Registry)";
/** The registry path of an image: docker.io/library/alpine for alpine:3, host:5000/ns/img for host:5000/ns/img:1. */
export declare function imageRegistryPath(image: string): string;
/** The path a config key or credential URL stands for: https://index.docker.io/v1/ -> docker.io. */
export declare function serverRegistryPath(server: string): string;
/**
 * The entries of a Docker config.json. A config without any credentials gives none; one that is
 * not a config is refused naming the source (never echoing its content: it holds secrets).
 */
export declare function parseDockerConfig(text: string, source: string): AuthEntry[];
/** The credsStore of a config, when it names one (its servers come from `docker-credential-X list`). */
export declare function credentialsStoreOf(text: string): string | undefined;
/** The job response's registry credentials (GitLab's own registry, logged in with the job token). */
export declare function payloadEntries(credentials: readonly RegistryCredential[]): AuthEntry[];
/** Sources in precedence order; for each registry path only the first source's entry counts. */
export declare function mergeSources(sources: readonly (readonly AuthEntry[])[]): AuthEntry[];
/** The entry for an image: its own path first, then each parent path up to the registry host. */
export declare function entryForImage(image: string, entries: readonly AuthEntry[]): AuthEntry | undefined;
