/**
 * Where the driver finds registry credentials (see registry-auth.ts for the choice): the job's
 * DOCKER_AUTH_CONFIG, the runner host's Docker client configuration, the job response's
 * `credentials`; and the credential helpers (`docker-credential-NAME get|list`) that configs name,
 * run on the runner host with the driver's own environment. Nothing is written anywhere.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../ports.js';
import {
  type AuthEntry,
  DOCKER_AUTH_CONFIG,
  type RegistryAuth,
  type RegistryCredential,
  credentialsStoreOf,
  mergeSources,
  parseDockerConfig,
  payloadEntries,
  serverRegistryPath,
} from './registry-auth.js';

/** Runs `docker-credential-NAME ACTION` with the input on stdin; resolves its stdout. */
export type CredentialHelper = (name: string, action: 'get' | 'list', input: string) => Promise<string>;

export const runCredentialHelper: CredentialHelper = (name, action, input) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      `docker-credential-${name}`,
      [action],
      { timeout: 30_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        // The helper's stderr may echo what it was given; only its first line is kept.
        if (error)
          reject(
            new Error(
              `docker-credential-${name} ${action} failed: ${String(stderr || error.message).split('\n')[0]}`,
            ),
          );
        else resolve(stdout);
      },
    );
    child.stdin?.end(input);
  });

/** The host's Docker client configuration file of the driver's user, as the docker CLI finds it. */
export function hostDockerConfigPath(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  return env.HOME ? join(env.HOME, '.docker', 'config.json') : undefined;
}

async function storeEntries(
  text: string,
  source: string,
  helper: CredentialHelper,
  log: Logger,
): Promise<AuthEntry[]> {
  const store = credentialsStoreOf(text);
  if (!store) return [];
  try {
    const servers = Object.keys(JSON.parse(await helper(store, 'list', '')) as Record<string, string>);
    return servers.map((server) => ({ path: serverRegistryPath(server), source, helper: store, server }));
  } catch (error) {
    log.warn(
      `credentials store ${store} named in ${source} could not list its registries: ${(error as Error).message}`,
    );
    return [];
  }
}

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
export async function loadAuthEntries(
  sources: CredentialSources,
  helper: CredentialHelper,
  log: Logger,
): Promise<AuthEntry[]> {
  const fromJob: AuthEntry[] = [];
  if (sources.dockerAuthConfig !== undefined && sources.dockerAuthConfig.trim() !== '') {
    const source = `$${DOCKER_AUTH_CONFIG}`;
    fromJob.push(...parseDockerConfig(sources.dockerAuthConfig, source));
    fromJob.push(...(await storeEntries(sources.dockerAuthConfig, source, helper, log)));
  }
  const fromHost: AuthEntry[] = [];
  const hostPath = hostDockerConfigPath(sources.hostEnv);
  if (hostPath) {
    const text = await readFile(hostPath, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      try {
        fromHost.push(
          ...parseDockerConfig(text, hostPath),
          ...(await storeEntries(text, hostPath, helper, log)),
        );
      } catch (error) {
        log.warn(`${(error as Error).message}; credentials from ${hostPath} will not be used`);
      }
    }
  }
  return mergeSources([fromJob, fromHost, payloadEntries(sources.payload)]);
}

/** The credentials of an entry, asking its helper when it has one; undefined when the helper fails. */
export async function entryAuth(
  entry: AuthEntry,
  helper: CredentialHelper,
  log: Logger,
): Promise<RegistryAuth | undefined> {
  if ('auth' in entry) return entry.auth;
  try {
    const answer = JSON.parse(await helper(entry.helper, 'get', entry.server)) as {
      Username?: string;
      Secret?: string;
    };
    if (typeof answer.Secret !== 'string') throw new Error('no Secret in its answer');
    // Docker's convention: the user name "<token>" marks an identity token.
    return answer.Username === '<token>'
      ? { serveraddress: entry.server, identitytoken: answer.Secret }
      : { serveraddress: entry.server, username: answer.Username ?? '', password: answer.Secret };
  } catch (error) {
    log.warn(
      `credential helper ${entry.helper} (from ${entry.source}) gave no credentials for ${entry.server}: ${(error as Error).message}`,
    );
    return undefined;
  }
}
