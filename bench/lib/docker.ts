/**
 * What the benchmark needs of Docker beyond test/support (the docker CLI as a user runs it): the
 * engine API for the containers it runs itself (the "floor" and "docker:dind way" variants), and a
 * container's full log.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { DOCKER_CLI, hostEngineEnv } from '../../test/support/engine.js';
import { type ClientEnvLike, innerDocker, loadImage } from '../../test/support/inner.js';

const execFileAsync = promisify(execFile);

export const HOST_SOCKET = '/var/run/docker.sock';

export function hostApi(): Docker {
  return new Docker({ socketPath: HOST_SOCKET });
}

/** `docker logs` of a host container: its stdout and stderr (where dockerd logs), as text. */
export async function hostLogs(container: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync(DOCKER_CLI, ['logs', container], {
    env: hostEngineEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  return `${stdout}${stderr}`;
}

/** Loads the image into the session's daemon unless it is already there (a cache hit); true if loaded. */
export async function ensureImage(env: ClientEnvLike, image: string): Promise<boolean> {
  const present = await innerDocker(env, ['image', 'inspect', '--format', '{{.Id}}', image]).then(
    () => true,
    () => false,
  );
  if (present) return false;
  await loadImage(env, image);
  return true;
}
