/**
 * The job's image and services as GitLab sends them (the job response's `image` and `services`,
 * or CUSTOM_ENV_CI_JOB_SERVICES from a runner without a job response file): a JSON array of
 * {name, alias, entrypoint, command, variables, pull_policy}; the hostnames GitLab gives services,
 * and which of them are Docker-in-Docker. Pure.
 */
import { BadInputError } from '../core/errors.js';
import { IMAGE_FORM, imageBaseName, parseImageRef } from '../core/image-ref.js';
import { type PullPolicy, parsePullPolicies } from './pull-policy.js';

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
export function parseJobImage(value: unknown): JobImageOptions {
  if (value === undefined || value === null) return { entrypoint: undefined, pullPolicies: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BadInputError(
      'image',
      JSON.stringify(value),
      'an object {"name", "entrypoint", "pull_policy"}',
    );
  }
  const record = value as Record<string, unknown>;
  const entrypoint = record.entrypoint;
  if (
    entrypoint !== undefined &&
    entrypoint !== null &&
    (!Array.isArray(entrypoint) || !entrypoint.every((item) => typeof item === 'string'))
  ) {
    throw new BadInputError('image:entrypoint', JSON.stringify(entrypoint), 'a list of strings');
  }
  return {
    entrypoint:
      Array.isArray(entrypoint) && entrypoint.length > 0
        ? (entrypoint as string[]).filter((part, i) => i > 0 || part !== '')
        : undefined,
    pullPolicies: parsePullPolicies(record.pull_policy, 'image:pull_policy'),
  };
}

const SETTING = 'services (CI_JOB_SERVICES)';
const ACCEPTED = 'a JSON array of {"name", "alias", "entrypoint", "command", "variables"} objects';

function stringArray(value: unknown, text: string): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new BadInputError(SETTING, text, ACCEPTED);
  }
  return value as string[];
}

/** Parses CUSTOM_ENV_CI_JOB_SERVICES; unset or empty means no services. */
export function parseServices(text: string | undefined): ServiceDefinition[] {
  if (text === undefined || text.trim() === '' || text.trim() === 'null') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadInputError(SETTING, text, ACCEPTED);
  }
  return parseServiceList(parsed, text);
}

/** Parses a list of service objects (the job response's `services`, or the parsed variable). */
export function parseServiceList(parsed: unknown, text = JSON.stringify(parsed)): ServiceDefinition[] {
  if (parsed === undefined || parsed === null) return [];
  if (!Array.isArray(parsed)) throw new BadInputError(SETTING, text, ACCEPTED);
  return parsed.map((item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new BadInputError(SETTING, text, ACCEPTED);
    }
    const record = item as Record<string, unknown>;
    const name = typeof record.name === 'string' ? record.name.trim() : '';
    if (!parseImageRef(name)) throw new BadInputError('service image', name, IMAGE_FORM);
    const alias = record.alias ?? '';
    if (typeof alias !== 'string') throw new BadInputError(SETTING, text, ACCEPTED);
    const variables: Record<string, string> = {};
    if (record.variables !== undefined && record.variables !== null) {
      if (typeof record.variables !== 'object' || Array.isArray(record.variables)) {
        throw new BadInputError(SETTING, text, ACCEPTED);
      }
      for (const [key, value] of Object.entries(record.variables as Record<string, unknown>)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
          throw new BadInputError('service variable name', key, 'a variable name');
        variables[key] = typeof value === 'string' ? value : JSON.stringify(value);
      }
    }
    const aliases = alias.split(/[\s,]+/).filter((a) => a !== '');
    for (const a of aliases) {
      if (!HOSTNAME.test(a))
        throw new BadInputError('service alias', a, 'a hostname (letters, digits, . _ -)');
    }
    return {
      name,
      aliases,
      entrypoint: stringArray(record.entrypoint, text),
      command: stringArray(record.command, text),
      variables,
      pullPolicies: parsePullPolicies(record.pull_policy, `services:pull_policy of ${name}`),
    };
  });
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,251}[A-Za-z0-9])?$/;

/**
 * GitLab's default hostnames for a service image: the tag, digest and registry port are
 * dropped, then "/" becomes "__" (primary) and "-" (secondary, when different). docker:dind ->
 * docker; registry.example.com:5000/ns/img:1 -> registry.example.com__ns__img, registry.example.com-ns-img.
 */
export function defaultAliases(image: string): string[] {
  let rest = image;
  const at = rest.indexOf('@');
  if (at >= 0) rest = rest.slice(0, at);
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) rest = rest.slice(0, colon);
  const parts = rest.split('/');
  if (parts.length > 1) parts[0] = parts[0]!.replace(/:\d+$/, '');
  const path = parts.join('/');
  const primary = path.replace(/\//g, '__');
  const secondary = path.replace(/\//g, '-');
  return primary === secondary ? [primary] : [primary, secondary];
}

/** Every hostname of a service: GitLab's defaults, then the explicit aliases; no duplicates. */
export function serviceAliases(service: ServiceDefinition): string[] {
  return [...new Set([...defaultAliases(service.name), ...service.aliases])];
}

/**
 * A DinD service: the repository's last component is "docker" and the tag mentions "dind"
 * (docker:dind, docker:27.5.1-dind, registry.example.com/mirror/docker:dind-rootless), or the
 * image matches an entry of the runner's dind-images setting (a repository matches every tag).
 */
export function isDindImage(image: string, configured: readonly string[] = []): boolean {
  const ref = parseImageRef(image);
  if (!ref) return false;
  if (imageBaseName(ref) === 'docker' && ref.tag !== undefined && ref.tag.includes('dind')) return true;
  const repository = repositoryOf(image);
  return configured.some((entry) => entry === image || (!hasTagOrDigest(entry) && entry === repository));
}

function repositoryOf(image: string): string {
  let rest = image;
  const at = rest.indexOf('@');
  if (at >= 0) rest = rest.slice(0, at);
  const colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
  return colon >= 0 ? rest.slice(0, colon) : rest;
}

function hasTagOrDigest(entry: string): boolean {
  return repositoryOf(entry) !== entry;
}
