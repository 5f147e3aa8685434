/**
 * What the benchmark needs of Docker beyond test/support (the docker CLI as a user runs it): the
 * engine API for the containers it runs itself (the "floor" and "docker:dind way" variants).
 */
import Docker from 'dockerode';
import { type ClientEnvLike, innerDocker, loadImage } from '../../test/support/inner.js';

export const HOST_SOCKET = '/var/run/docker.sock';

export function hostApi(): Docker {
  return new Docker({ socketPath: HOST_SOCKET });
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
