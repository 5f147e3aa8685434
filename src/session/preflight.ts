/** The launch's first checks: the engine has the Sysbox runtime, and the DinD image (pulled if not). */
import type { SessionConfig } from '../core/config.js';
import { SystemError } from '../core/errors.js';
import type { EnginePort, Logger } from '../ports.js';

/** The engine has the runtime; returns the engine's version. */
export async function checkRuntime(engine: EnginePort, config: SessionConfig): Promise<string> {
  const { version, runtimes } = await engine.versionAndRuntimes();
  if (!runtimes.includes(config.runtime)) {
    throw new SystemError(`the Docker engine at ${engine.host} has no runtime named "${config.runtime}"`, {
      hint:
        `Install Sysbox on the runner host (run "secure-dind doctor" to see what is missing, ` +
        `"sudo secure-dind bootstrap" to install it). Registered runtimes: ${runtimes.join(', ') || 'none'}. ` +
        'secure-dind never falls back to a privileged container.',
    });
  }
  return version;
}

/** The engine has the DinD image, pulled when it was not there. */
export async function ensureImage(
  engine: EnginePort,
  config: SessionConfig,
  log: Logger | undefined,
): Promise<void> {
  if (await engine.imageExists(config.image)) return;
  log?.info(`pulling ${config.image}`);
  await engine.pullImage(config.image).catch((error: unknown) => {
    throw new SystemError(`the DinD image ${config.image} is not present and could not be pulled`, {
      cause: error,
      hint: 'Check the image name, the registry credentials of the runner host, or pre-load the image.',
    });
  });
}
