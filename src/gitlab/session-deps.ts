/**
 * What prepare and cleanup need from the session core, bound to the driver's settings: the host
 * engine's port (the job, helper and service containers are created through it), the DinD session
 * launch and teardown, and the runtime check before a launch.
 */
import type { SessionConfig } from '../core/config.js';
import { DEFAULT_ENGINE_HOST, type Logger } from '../ports.js';
import { ensureRuntime } from '../runtime/ensure.js';
import { connectHostEngine } from '../session/engine.js';
import { launch } from '../session/launch.js';
import { teardown } from '../session/teardown.js';
import type { PrepareDependencies } from './prepare.js';
import type { GitlabSettings } from './settings.js';

export type SessionDependencies = Omit<
  PrepareDependencies,
  'hostEnv' | 'credentialHelper' | 'signal' | 'stdout'
>;

export function sessionDependencies(settings: GitlabSettings, log: Logger): SessionDependencies {
  const engine = connectHostEngine(settings.engineHost ?? DEFAULT_ENGINE_HOST);
  return {
    engine,
    log,
    stopTimeoutSeconds: settings.stopTimeoutSeconds,
    launch: (config, options) => launch(config, options, { stateDir: settings.stateDir, engine }),
    ensureRuntime: async (config: SessionConfig) => {
      await ensureRuntime({
        runtime: config.runtime,
        engineHost: config.engineHost,
        install: settings.installRuntime,
        log,
      });
    },
    teardown: (state, cacheOutcome) =>
      teardown(state, { log, stateDir: settings.stateDir, engine, cacheOutcome }),
  };
}
