/**
 * A private registry for the GitLab driver's tests: Debian's docker-registry with htpasswd
 * (bcrypt) authentication, on a unique 127.0.0.1 port (engines treat 127.0.0.0/8 registries as
 * insecure-allowed, so no TLS is needed), and one image pushed into it. The docker CLI logs in with
 * a throwaway DOCKER_CONFIG, so no credential is written to the host's own configuration.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DOCKER_CLI, hostDocker, hostEngineEnv } from './engine.js';

const execFileAsync = promisify(execFile);
export const REGISTRY_IMAGE = 'secure-dind/registry:test';

export interface PrivateRegistry {
  readonly host: string;
  readonly username: string;
  readonly password: string;
  /** The pushed image, absent from the engine's local store (a job must pull it). */
  readonly image: string;
  /** A DOCKER_AUTH_CONFIG value that logs in to this registry. */
  readonly dockerAuthConfig: string;
  dispose(): Promise<void>;
}

async function waitForRegistry(host: string): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt++) {
    // docker-proxy accepts connections before the registry listens and then holds them: time out.
    const answer = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(2000) }).catch(
      () => undefined,
    );
    if (answer?.status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the test registry at ${host} did not answer`);
}

/** Starts the registry and pushes `source` into it as private/<name>:<tag>. */
export async function startPrivateRegistry(source: string): Promise<PrivateRegistry> {
  const suffix = randomBytes(4).toString('hex');
  const name = `secure-dind-test-registry-${suffix}`;
  const username = `ci-${suffix}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const port = randomInt(20_000, 40_000);
  const host = `127.0.0.1:${port}`;
  const image = `${host}/private/app-${suffix}:v1`;
  const dockerConfig = await mkdtemp(join(tmpdir(), 'registry-login-'));
  const cli = (args: string[], input?: string) => {
    const child = execFileAsync(DOCKER_CLI, args, {
      env: { ...hostEngineEnv(), DOCKER_CONFIG: dockerConfig },
    });
    // The docker CLI waits on an open stdin in some steps: always close it.
    child.child.stdin?.end(input ?? '');
    return child;
  };
  const dispose = async () => {
    await hostDocker(['rm', '-f', name]).catch(() => undefined);
    await hostDocker(['rmi', image]).catch(() => undefined);
    await rm(dockerConfig, { recursive: true, force: true });
  };
  try {
    await hostDocker([
      'run',
      '-d',
      '--name',
      name,
      '-p',
      `${host}:5000`,
      '-e',
      'REGISTRY_AUTH=htpasswd',
      '-e',
      'REGISTRY_AUTH_HTPASSWD_REALM=secure-dind-test',
      '-e',
      'REGISTRY_AUTH_HTPASSWD_PATH=/tmp/htpasswd',
      '-e',
      `TEST_USER=${username}`,
      '-e',
      `TEST_PASSWORD=${password}`,
      '--entrypoint',
      'sh',
      REGISTRY_IMAGE,
      '-c',
      'htpasswd -Bbn "$TEST_USER" "$TEST_PASSWORD" >/tmp/htpasswd && exec docker-registry serve /etc/docker/registry/config.yml',
    ]);
    await waitForRegistry(host);
    await cli(['login', '--username', username, '--password-stdin', host], password);
    await hostDocker(['tag', source, image]);
    await cli(['push', image]);
    await hostDocker(['rmi', image]);
    const auth = Buffer.from(`${username}:${password}`).toString('base64');
    return {
      host,
      username,
      password,
      image,
      dockerAuthConfig: JSON.stringify({ auths: { [host]: { auth } } }),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
