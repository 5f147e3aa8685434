/**
 * The Action's post step (runs whatever the job's outcome): stop the daemon gracefully, remove all but
 * the cache volume, remove the docker context. Every problem is a warning; it never fails the job.
 */
import { describeError } from '../core/errors.js';
import type { CacheOutcome, Logger, SessionState, TeardownReport } from '../session/types.js';
import { removeDockerContext } from './context.js';
import type { ActionIo } from './io.js';
import { cacheOutcomeInput } from './inputs.js';
import { DOCKER_ENV } from './main-step.js';
import { type ActionState, STATE_KEY, decodeState } from './state.js';
import { teardownSummary } from './summary.js';

export interface PostDeps {
  readonly io: ActionIo;
  readonly teardown: (
    target: SessionState,
    options: { log?: Logger; cacheOutcome: CacheOutcome },
  ) => Promise<TeardownReport>;
  /** The environment teardown's engine client reads (process.env under the runner). */
  readonly env: NodeJS.ProcessEnv;
}

/** Runs the post step. Never throws and never fails the job. */
export async function runPost(deps: PostDeps): Promise<void> {
  const { io } = deps;
  let state: ActionState | undefined;
  try {
    state = decodeState(io.getState(STATE_KEY));
  } catch (error) {
    io.warning(`secure-dind: cannot read the main step's state, nothing torn down: ${describeError(error)}`);
    return;
  }
  if (state === undefined) {
    io.debug('secure-dind: the main step created nothing; nothing to tear down');
    return;
  }

  io.startGroup('secure-dind: teardown');
  let contextRemoved: string | undefined;
  let report: TeardownReport | undefined;
  try {
    if (state.context) {
      try {
        await removeDockerContext(io, state.context);
        contextRemoved = state.context.name;
      } catch (error) {
        io.warning(
          `secure-dind: could not remove docker context '${state.context.name}': ${describeError(error)}`,
        );
      }
    }
    if (state.session) {
      // Later steps see DOCKER_HOST pointing at the session's daemon; talk to the engine main used.
      restoreOuterEnv(deps.env, state.outerEnv);
      const log: Logger = {
        debug: (message) => io.debug(message),
        info: (message) => io.info(message),
        warn: (message) => io.warning(message),
      };
      // Only a job that succeeded commits its cache (generations mode); failed or cancelled: discarded.
      const cacheOutcome = cacheOutcomeInput(deps.env);
      report = await deps.teardown(state.session, { log, cacheOutcome });
      for (const warning of report.warnings) io.warning(`secure-dind: ${warning}`);
      for (const removed of report.removed) io.info(`removed ${removed}`);
      for (const kept of report.kept) io.info(`kept ${kept}`);
      if (report.cache !== undefined) io.info(`cache ${report.cache}`);
    }
  } catch (error) {
    io.warning(`secure-dind: teardown failed: ${describeError(error)}`);
  } finally {
    io.endGroup();
  }

  if (state.summary && (report || contextRemoved)) {
    const line = teardownSummary(
      report ?? { sessionId: '', removed: [], kept: [], warnings: [], milliseconds: 0 },
      contextRemoved,
    );
    try {
      await io.appendSummary(line);
    } catch (error) {
      io.warning(`secure-dind: could not write the job summary: ${describeError(error)}`);
    }
  }
}

function restoreOuterEnv(env: NodeJS.ProcessEnv, outer: Readonly<Record<string, string>> | undefined): void {
  for (const name of DOCKER_ENV) delete env[name];
  for (const [name, value] of Object.entries(outer ?? {})) env[name] = value;
}
