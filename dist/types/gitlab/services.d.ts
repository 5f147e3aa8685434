import { type PullPolicy } from './pull-policy.js';
export interface ServiceDefinition {
    /** Image reference as written in .gitlab-ci.yml. */
    readonly name: string;
    /** Explicit aliases (GitLab accepts several, separated by commas or spaces). */
    readonly aliases: readonly string[];
    readonly entrypoint: readonly string[] | undefined;
    readonly command: readonly string[] | undefined;
    readonly variables: Readonly<Record<string, string>>;
    /** The service's pull_policy (empty: the runner's default). */
    readonly pullPolicies: readonly PullPolicy[];
}
/** What the job says about its own image beyond its name. */
export interface JobImageOptions {
    /** `image: {entrypoint}`: replaces the image's ENTRYPOINT ([] or [""]: none). */
    readonly entrypoint: readonly string[] | undefined;
    readonly pullPolicies: readonly PullPolicy[];
}
/** The job response's `image` object ({name, entrypoint, pull_policy}); absent parts are defaults. */
export declare function parseJobImage(value: unknown): JobImageOptions;
/** Parses CUSTOM_ENV_CI_JOB_SERVICES; unset or empty means no services. */
export declare function parseServices(text: string | undefined): ServiceDefinition[];
/** Parses a list of service objects (the job response's `services`, or the parsed variable). */
export declare function parseServiceList(parsed: unknown, text?: string): ServiceDefinition[];
/**
 * GitLab's default hostnames for a service image: the tag, digest and registry port are
 * dropped, then "/" becomes "__" (primary) and "-" (secondary, when different). docker:dind ->
 * docker; registry.example.com:5000/ns/img:1 -> registry.example.com__ns__img, registry.example.com-ns-img.
 */
export declare function defaultAliases(image: string): string[];
/** Every hostname of a service: GitLab's defaults, then the explicit aliases; no duplicates. */
export declare function serviceAliases(service: ServiceDefinition): string[];
/**
 * A DinD service: the repository's last component is "docker" and the tag mentions "dind"
 * (docker:dind, docker:27.5.1-dind, registry.example.com/mirror/docker:dind-rootless), or the
 * image matches an entry of the runner's dind-images setting (a repository matches every tag).
 */
export declare function isDindImage(image: string, configured?: readonly string[]): boolean;
