/**
 * Registry credentials for an image pull, chosen as GitLab Runner's Docker executor chooses them:
 * every source is read in this order, and for one registry path the first source that names it
 * wins: the job's DOCKER_AUTH_CONFIG, the runner host's Docker client configuration ($DOCKER_CONFIG
 * or ~/.docker/config.json of the driver's user), then the job response's `credentials` (the GitLab
 * registry's job-token login). An image takes the credentials of its longest matching path
 * (host, then host/namespace/...). Docker config files may name credential helpers
 * (`credHelpers`, `credsStore`): those are asked only for the registry actually pulled from.
 *
 * Credentials are secrets: they stay in memory, go to the engine only in the pull request, and no
 * message here contains one.
 */
import { SecureDindError } from '../core/errors.js';
import type { RegistryAuthConfig } from '../ports.js';
import type { JobResponseCredential } from './job-response.js';

export type RegistryAuth = RegistryAuthConfig;
export type RegistryCredential = JobResponseCredential;

/** One registry's entry from one source; a helper entry is resolved only when chosen. */
export type AuthEntry =
  | { readonly path: string; readonly source: string; readonly auth: RegistryAuth }
  | { readonly path: string; readonly source: string; readonly helper: string; readonly server: string };

export const DOCKER_AUTH_CONFIG = 'DOCKER_AUTH_CONFIG';
export const JOB_PAYLOAD_SOURCE = 'job payload (GitLab Registry)';
const DEFAULT_REGISTRY = 'docker.io';
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function lowerHost(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path.toLowerCase() : `${path.slice(0, slash).toLowerCase()}${path.slice(slash)}`;
}

/** The registry path of an image: docker.io/library/alpine for alpine:3, host:5000/ns/img for host:5000/ns/img:1. */
export function imageRegistryPath(image: string): string {
  let rest = image.split('@')[0]!;
  const slash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', slash + 1);
  if (colon >= 0) rest = rest.slice(0, colon);
  const [first, ...more] = rest.split('/');
  const dockerHub = more.length === 0 || (!/[.:]/.test(first!) && first!.toLowerCase() !== 'localhost');
  if (dockerHub) return lowerHost(`${DEFAULT_REGISTRY}/${more.length === 0 ? `library/${rest}` : rest}`);
  if (first!.toLowerCase() === `index.${DEFAULT_REGISTRY}`)
    return lowerHost(`${DEFAULT_REGISTRY}/${more.join('/')}`);
  return lowerHost(rest);
}

/** The path a config key or credential URL stands for: https://index.docker.io/v1/ -> docker.io. */
export function serverRegistryPath(server: string): string {
  const withoutScheme = server.replace(/^https?:\/\//i, '');
  if (withoutScheme !== server) {
    const host = withoutScheme.split('/')[0]!.toLowerCase();
    return host === `index.${DEFAULT_REGISTRY}` ? DEFAULT_REGISTRY : host;
  }
  let path = server.replace(/\/+$/, '');
  const colon = path.lastIndexOf(':');
  const slash = path.lastIndexOf('/');
  if (slash >= 0 && colon > slash) path = path.slice(0, colon);
  return lowerHost(path);
}

function badConfig(source: string, reason: string): SecureDindError {
  return new SecureDindError(
    'bad-input',
    `invalid ${source}: ${reason} (expected a Docker config.json: {"auths": {"registry": {"auth": "base64 of user:password"}}}, optionally "credHelpers" or "credsStore")`,
  );
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The entries of a Docker config.json. A config without any credentials gives none; one that is
 * not a config is refused naming the source (never echoing its content: it holds secrets).
 */
export function parseDockerConfig(text: string, source: string): AuthEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badConfig(source, 'not JSON');
  }
  const config = objectOf(parsed);
  if (!config) throw badConfig(source, 'not a JSON object');
  const entries: AuthEntry[] = [];
  for (const [server, value] of Object.entries(objectOf(config.auths) ?? {})) {
    const auth = objectOf(value);
    if (!auth) throw badConfig(source, `auths entry ${server} is not an object`);
    let username = typeof auth.username === 'string' ? auth.username : undefined;
    let password = typeof auth.password === 'string' ? auth.password : undefined;
    if (typeof auth.auth === 'string' && auth.auth !== '') {
      const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
      const split = decoded.indexOf(':');
      if (split < 0) throw badConfig(source, `auths entry ${server}: "auth" is not base64 of user:password`);
      username = decoded.slice(0, split);
      password = decoded.slice(split + 1);
    }
    const identitytoken =
      typeof auth.identitytoken === 'string' && auth.identitytoken !== '' ? auth.identitytoken : undefined;
    if (username === undefined && identitytoken === undefined) continue;
    entries.push({
      path: serverRegistryPath(server),
      source,
      auth: {
        serveraddress: server,
        ...(username !== undefined ? { username, password: password ?? '' } : {}),
        ...(identitytoken ? { identitytoken } : {}),
      },
    });
  }
  const helperEntry = (server: string, helper: unknown): AuthEntry => {
    if (typeof helper !== 'string' || !HELPER_NAME.test(helper)) {
      throw badConfig(
        source,
        `credential helper for ${server} must be a plain name (docker-credential-NAME on the runner's PATH)`,
      );
    }
    return { path: serverRegistryPath(server), source, helper, server };
  };
  for (const [server, helper] of Object.entries(objectOf(config.credHelpers) ?? {}))
    entries.push(helperEntry(server, helper));
  if (config.credsStore !== undefined && config.credsStore !== '') {
    // The store is asked for the servers it knows ("list") by the caller; here only its name is checked.
    helperEntry('*', config.credsStore);
  }
  return entries;
}

/** The credsStore of a config, when it names one (its servers come from `docker-credential-X list`). */
export function credentialsStoreOf(text: string): string | undefined {
  try {
    const store = objectOf(JSON.parse(text))?.credsStore;
    return typeof store === 'string' && HELPER_NAME.test(store) ? store : undefined;
  } catch {
    return undefined;
  }
}

/** The job response's registry credentials (GitLab's own registry, logged in with the job token). */
export function payloadEntries(credentials: readonly RegistryCredential[]): AuthEntry[] {
  return credentials
    .filter((c) => c.type === 'registry' && c.url !== '')
    .map((c) => ({
      path: serverRegistryPath(c.url),
      source: JOB_PAYLOAD_SOURCE,
      auth: { serveraddress: c.url, username: c.username, password: c.password },
    }));
}

/** Sources in precedence order; for each registry path only the first source's entry counts. */
export function mergeSources(sources: readonly (readonly AuthEntry[])[]): AuthEntry[] {
  const byPath = new Map<string, AuthEntry>();
  for (const entries of sources) {
    for (const entry of entries) if (!byPath.has(entry.path)) byPath.set(entry.path, entry);
  }
  return [...byPath.values()];
}

/** The entry for an image: its own path first, then each parent path up to the registry host. */
export function entryForImage(image: string, entries: readonly AuthEntry[]): AuthEntry | undefined {
  for (
    let path = imageRegistryPath(image);
    path !== '';
    path = path.slice(0, Math.max(0, path.lastIndexOf('/')))
  ) {
    const found = entries.find((entry) => entry.path === path);
    if (found) return found;
  }
  return undefined;
}
