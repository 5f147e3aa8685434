/**
 * The Action's main step: inputs -> (runtime) -> launch -> environment, outputs, context, summary.
 * Everything it talks to comes in through MainDeps, so it runs the same under the runner and in tests.
 */
import type { SessionConfig } from '../core/config.js';
import { describeError } from '../core/errors.js';
import { sessionDiskUsage } from '../session/cache.js';
import type { LaunchOptions, LaunchPhase, Logger, Session } from '../session/types.js';
import { type DockerContextRecord, createDockerContext } from './context.js';
import { type ActionInputs, type ActionOutputName, getActionInputs } from './inputs.js';
import type { ActionIo } from './io.js';
import { type ActionState, STATE_KEY, encodeState } from './state.js';
import { PHASE_ORDER, launchFailureSummary, launchSummary, seconds } from './summary.js';

/** The job summary's cache size is worth a moment, not a slow step. */
const DISK_USAGE_TIMEOUT_MS = 5_000;

export const CONTEXT_NAME = 'secure-dind';

/** `install-runtime: auto`: makes sure the runtime is there (installing it when it may). */
export type EnsureRuntime = (
  config: SessionConfig,
  options: { readonly log: Logger; readonly signal: AbortSignal },
) => Promise<{ readonly sysboxVersion?: string | undefined; readonly warning?: string | undefined }>;

export interface MainDeps {
  readonly io: ActionIo;
  /** The step's environment (inputs, GITHUB_*, RUNNER_TEMP). */
  readonly env: NodeJS.ProcessEnv;
  readonly launch: (config: SessionConfig, options: LaunchOptions) => Promise<Session>;
  /** Used for `install-runtime: auto`; without it, auto behaves like never. */
  readonly ensureRuntime?: EnsureRuntime;
  /** Aborted when the runner cancels the step; launch then removes what it created. */
  readonly signal: AbortSignal;
  readonly now?: () => number;
}

/** Runs the main step. Never throws: a failure fails the step (setFailed) and leaves state for post. */
export async function runMain(deps: MainDeps): Promise<void> {
  const { io, env } = deps;
  const now = deps.now ?? Date.now;
  const started = now();
  const groups = new PhaseGroups(io);
  const timings: Partial<Record<LaunchPhase, number>> = {};
  let inputs: ActionInputs | undefined;
  try {
    inputs = getActionInputs(env);
    const { config } = inputs;
    let state: ActionState = {
      version: 1,
      summary: inputs.summary,
      // The engine main talked to, for post (whose environment has DOCKER_HOST pointing inside).
      outerEnv: pickDockerEnv(env),
    };
    const save = (next: ActionState): void => {
      state = next;
      io.saveState(STATE_KEY, encodeState(state));
    };
    save(state);

    let runtimeVersion: string | undefined;
    if (inputs.installRuntime === 'auto' && deps.ensureRuntime) {
      const status = await inGroup(io, 'secure-dind: runtime', () =>
        // The warning comes back in the status and is shown once, as an annotation, below.
        deps.ensureRuntime!(config, {
          log: { ...groups.logger(), warn: () => undefined },
          signal: deps.signal,
        }),
      );
      runtimeVersion = status.sysboxVersion;
      // E.g. a registered sysbox-runc that is not Sysbox: the job runs, but everyone should see it.
      if (status.warning) io.warning(status.warning);
    }

    const session = await deps.launch(config, {
      jobId: jobIdentity(env),
      certParentDir: env.RUNNER_TEMP || undefined,
      clientPlacement: 'auto',
      cacheScope: inputs.cacheScope,
      log: groups.logger(),
      signal: deps.signal,
      onState: (sessionState) => save({ ...state, session: sessionState }),
      onPhase: (phase, milliseconds) => {
        timings[phase] = milliseconds;
        groups.phaseDone(phase, milliseconds);
      },
    });
    groups.close();
    // From here on the session exists; launch's last state is the whole record.
    save({ ...state, session: session.state });

    let context: DockerContextRecord | undefined;
    if (inputs.setContext) {
      context = await inGroup(io, 'secure-dind: docker context', () =>
        createDockerContext(io, CONTEXT_NAME, session.env, (record) => save({ ...state, context: record })),
      );
    }

    for (const [name, value] of Object.entries(session.env)) io.exportVariable(name, value);
    const outputs: Record<ActionOutputName, string> = {
      'docker-host': session.env.DOCKER_HOST,
      'cert-path': session.env.DOCKER_CERT_PATH,
      'container-id': session.containerId,
      'cache-volume': session.cacheVolume,
      'cache-hit': String(session.cacheHit),
    };
    for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value);
    const total = now() - started;
    io.info(
      `secure-dind: Docker ${session.innerEngineVersion} ready at ${session.env.DOCKER_HOST} in ${seconds(total)} ` +
        `(cache ${config.cache ? (session.cacheHit ? 'warm' : 'cold') : 'off'}, volume ${session.cacheVolume})`,
    );

    if (inputs.summary) {
      const cacheBytes = await sessionDiskUsage(session, DISK_USAGE_TIMEOUT_MS);
      await appendSummary(
        io,
        launchSummary({
          dockerHost: session.env.DOCKER_HOST,
          runtime: config.runtime,
          runtimeVersion,
          image: config.image,
          engineVersion: session.engineVersion,
          innerEngineVersion: session.innerEngineVersion,
          cache: config.cache,
          cacheKey: config.cacheKey,
          cacheHit: session.cacheHit,
          cacheSlot: session.cacheSlot,
          cacheMode: session.cacheMode,
          cacheModeReason: session.cacheModeReason,
          cacheFrom: session.cacheFrom,
          cacheScope: session.state.generation?.scope.write,
          cacheVolume: session.cacheVolume,
          cacheBytes,
          timings: session.timings,
          totalMilliseconds: total,
          context: context?.name,
        }),
      );
    }
  } catch (error) {
    groups.close();
    const message = describeError(error);
    io.setFailed(message);
    if (inputs?.summary) await appendSummary(io, launchFailureSummary(message, timings));
  }
}

/** The job's identity, recorded as a label on what the session creates. */
export function jobIdentity(env: NodeJS.ProcessEnv): string | undefined {
  const parts = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT, env.GITHUB_JOB];
  return parts.some((p) => p) ? parts.map((p) => p || '-').join('-') : undefined;
}

export function pickDockerEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of DOCKER_ENV) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export const DOCKER_ENV = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT'] as const;

async function inGroup<T>(io: ActionIo, title: string, fn: () => Promise<T>): Promise<T> {
  io.startGroup(title);
  try {
    return await fn();
  } finally {
    io.endGroup();
  }
}

async function appendSummary(io: ActionIo, markdown: string): Promise<void> {
  try {
    await io.appendSummary(markdown);
  } catch (error) {
    io.warning(`secure-dind: could not write the job summary: ${describeError(error)}`);
  }
}

/**
 * One log group per launch phase. Phases report when they end, so a group opens with the first line
 * of the phase expected next and closes when a phase reports its time.
 */
class PhaseGroups {
  private open = false;
  private next = 0;

  constructor(private readonly io: ActionIo) {}

  logger(): Logger {
    return {
      debug: (message) => this.io.debug(message),
      info: (message) => {
        this.ensureOpen();
        this.io.info(message);
      },
      warn: (message) => {
        this.ensureOpen();
        this.io.warning(message);
      },
    };
  }

  phaseDone(phase: LaunchPhase, milliseconds: number): void {
    this.ensureOpen(phase);
    this.io.info(`${phase}: done in ${seconds(milliseconds)}`);
    this.close();
    this.next = PHASE_ORDER.indexOf(phase) + 1;
  }

  close(): void {
    if (this.open) this.io.endGroup();
    this.open = false;
  }

  private ensureOpen(phase = PHASE_ORDER[this.next] ?? 'launch'): void {
    if (this.open) return;
    this.io.startGroup(`secure-dind: ${phase}`);
    this.open = true;
  }
}
