/**
 * The job's helper container. The stages that need git or gitlab-runner (get_sources, caches,
 * artifacts) run there and never on the runner host: a job decides what those stages execute
 * (hooks such as pre_get_sources_script, variables git obeys), so on the host they would give
 * every pipeline author the runner's user, and with it the host's Docker engine.
 */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SystemError } from '../core/errors.js';
import type { EnginePort, Logger } from '../ports.js';
import { JOB_CONTAINER_KEEPER, containerBody } from './containers.js';
import type { JobContext } from './job.js';

/**
 * Starts the helper container, with only the builds and cache directories (at the same paths, as the runner's scripts expect) and the host's
 * gitlab-runner binary, read-only, at the path the scripts call it by.
 */
export async function startHelperContainer(
  context: JobContext,
  image: string,
  buildsDir: string,
  labels: Record<string, string>,
  engine: EnginePort,
): Promise<void> {
  await mkdir(context.cacheDir, { recursive: true, mode: 0o755 });
  const runner = await gitlabRunnerBinary(process.env.PATH);
  await engine.createContainer(
    context.helperContainerName,
    containerBody({
      image,
      labels,
      env: runner
        ? [`PATH=${dirname(runner)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`]
        : [],
      entrypoint: JOB_CONTAINER_KEEPER,
      cmd: [],
      binds: [
        `${buildsDir}:${buildsDir}`,
        `${context.cacheDir}:${context.cacheDir}`,
        ...(runner ? [`${runner}:${runner}:ro`] : []),
      ],
      network: context.networkName,
    }),
  );
  await engine.startContainer(context.helperContainerName);
  if (!(await engine.inspectContainer(context.helperContainerName))?.running) {
    throw new SystemError(`the helper container (image ${image}) stopped at once`, {
      hint: 'The helper-image setting must name an image with /bin/sh, bash and git.',
    });
  }
}

/** The administrator's helper image, pulled when missing; a failure is the host's, not the job's. */
export async function ensureHelperImage(engine: EnginePort, image: string, log: Logger): Promise<void> {
  if (await engine.imageExists(image)) return;
  log.info(`Pulling the helper image ${image}`);
  await engine.pullImage(image).catch((error: unknown) => {
    throw new SystemError(
      `the helper image ${image} (setting helper-image) is not present and could not be pulled`,
      {
        cause: error,
        hint: 'Pre-load it on the runner host, or point helper-image at an image the host can pull (bash or sh, and git).',
      },
    );
  });
}

/** The runner host's gitlab-runner executable on PATH, if there is one. */
async function gitlabRunnerBinary(path: string | undefined): Promise<string | undefined> {
  for (const dir of (path ?? '').split(':').filter((d) => d.startsWith('/'))) {
    const candidate = join(dir, 'gitlab-runner');
    const executable = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (executable) return candidate;
  }
  return undefined;
}
