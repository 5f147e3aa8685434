/**
 * The run stage: `run <script> <stage>`. Every stage runs in a container, never on the runner host:
 * a job controls what its stages run (hooks such as pre_get_sources_script, and variables git
 * obeys), so a stage on the host would hand the job the host. Stages that need git or gitlab-runner
 * run in the job's helper container (builds and cache directories at the same paths, the runner's
 * own binary read-only); the user's stages and any stage name not known today run in the job
 * container. The script is piped to bash (sh when the image has no bash), output streamed live. On
 * SIGTERM/SIGINT the stage's processes are stopped (an exec does not forward signals) and the
 * driver exits; after a SIGKILL, cleanup removes the containers and everything still running in them.
 */
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { SystemError } from '../core/errors.js';
import type { EnginePort, Logger } from '../ports.js';
import type { Outcome } from './exit.js';
import type { JobContext } from './job.js';
import { stageCommand } from './job-entrypoint.js';
import { streamServiceLogs } from './service-logs.js';

/** Stages GitLab documents as needing gitlab-runner or git: they run in the helper container. */
export const HELPER_STAGES: ReadonlySet<string> = new Set([
  'prepare_script',
  'get_sources',
  'clear_worktree',
  'restore_cache',
  'download_artifacts',
  'archive_cache',
  'archive_cache_on_failure',
  'upload_artifacts_on_success',
  'upload_artifacts_on_failure',
  'cleanup_file_variables',
]);

export type StageLocation = 'helper' | 'job';

/** build_script, step_script, step_*, after_script and unknown stages: the job container. */
export function stageLocation(stage: string): StageLocation {
  return HELPER_STAGES.has(stage) ? 'helper' : 'job';
}

/** Reads the script from stdin with bash when the image has it, else sh (as GitLab's Docker executor). */
export const CONTAINER_SHELL = [
  'sh',
  '-c',
  'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi',
];
/** Signals every process of the container but its PID 1 (kill -1 spares init and the caller). */
export const signalAllCommand = (signal: 'TERM' | 'KILL') => [
  'sh',
  '-c',
  `kill -${signal} -1 2>/dev/null || kill -s ${signal} -1`,
];

export interface RunDependencies {
  readonly engine: EnginePort;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** How long stopped processes get after SIGTERM before SIGKILL. */
  readonly graceMs?: number;
}

export async function runStage(
  context: JobContext,
  scriptPath: string,
  stage: string,
  deps: RunDependencies,
): Promise<Outcome> {
  let script: Buffer;
  try {
    script = await readFile(scriptPath);
  } catch (error) {
    throw new SystemError(`cannot read the stage script ${scriptPath}`, { cause: error });
  }
  const container =
    stageLocation(stage) === 'helper' ? context.helperContainerName : context.jobContainerName;
  // CI_DEBUG_SERVICES: what the services print during this stage goes into the job log too.
  const stopServiceLogs = await streamServiceLogs(deps.engine, context, new Date(), deps.stdout);
  try {
    return await runInContainer(container, script, deps);
  } finally {
    await stopServiceLogs();
  }
}

function statusOutcome(status: number): Outcome {
  return status === 0 ? { kind: 'success' } : { kind: 'script-failed', exitCode: status };
}

async function runInContainer(container: string, script: Buffer, deps: RunDependencies): Promise<Outcome> {
  const { engine } = deps;
  if (deps.signal.aborted) return { kind: 'interrupted' };
  // The job image's entrypoint (a label on the job container) wraps each of its stages.
  const labels = (await engine.inspectContainer(container))?.labels ?? {};
  const running = engine.exec(container, stageCommand(labels, CONTAINER_SHELL), {
    stdin: script,
    stdout: deps.stdout,
    stderr: deps.stderr,
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping = (async () => {
      deps.log.warn(`stopping the stage inside ${container}`);
      const grace = deps.graceMs ?? 5000;
      const quiet = { stdout: nullSink(), stderr: nullSink() };
      await engine.exec(container, signalAllCommand('TERM'), quiet).catch(() => undefined);
      if (await settlesWithin(running, grace)) return;
      await engine.exec(container, signalAllCommand('KILL'), quiet).catch(() => undefined);
      await settlesWithin(running, 2000);
    })();
  };
  deps.signal.addEventListener('abort', stop, { once: true });
  try {
    const settled = await Promise.race([
      running.then((status) => ({ status })),
      new Promise<'aborted'>((resolve) =>
        deps.signal.addEventListener('abort', () => resolve('aborted'), { once: true }),
      ),
    ]);
    if (settled === 'aborted' || deps.signal.aborted) {
      await stopping;
      running.catch(() => undefined);
      return { kind: 'interrupted' };
    }
    return statusOutcome(settled.status);
  } finally {
    deps.signal.removeEventListener('abort', stop);
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function nullSink(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}
