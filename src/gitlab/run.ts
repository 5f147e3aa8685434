/**
 * The run stage: `run <script> <stage>`. Stages that need gitlab-runner or git run the runner's
 * script on the runner host (in the builds directory, which the job container mounts at the same
 * path); the user's stages and any stage name not known today run inside the job container, the
 * script piped to bash (sh when the image has no bash), output streamed live. On SIGTERM/SIGINT
 * the stage's processes are stopped (an exec does not forward signals) and the driver exits.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { SystemError } from '../core/errors.js';
import type { DockerEngine } from '../engine/docker.js';
import type { Logger } from '../session/types.js';
import type { Outcome } from './exit.js';
import type { JobContext } from './job.js';
import { stageCommand } from './job-entrypoint.js';
import { streamServiceLogs } from './service-logs.js';

/** Stages GitLab documents as needing gitlab-runner or git: they run on the runner host. */
export const HOST_STAGES: ReadonlySet<string> = new Set([
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

export type StageLocation = 'host' | 'container';

/** build_script, step_script, step_*, after_script and unknown stages: the job container. */
export function stageLocation(stage: string): StageLocation {
  return HOST_STAGES.has(stage) ? 'host' : 'container';
}

/** Reads the script from stdin with bash when the image has it, else sh (as GitLab's Docker executor). */
export const CONTAINER_SHELL = [
  'sh',
  '-c',
  'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi',
];
/** Signals every process of the job container but its PID 1 (kill -1 spares init and the caller). */
export const signalAllCommand = (signal: 'TERM' | 'KILL') => [
  'sh',
  '-c',
  `kill -${signal} -1 2>/dev/null || kill -s ${signal} -1`,
];

export interface RunDependencies {
  readonly engine: DockerEngine;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
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
  // CI_DEBUG_SERVICES: what the services print during this stage goes into the job log too.
  const stopServiceLogs = await streamServiceLogs(deps.engine, context, new Date(), deps.stdout);
  try {
    return stageLocation(stage) === 'host'
      ? await runOnHost(scriptPath, deps)
      : await runInContainer(context, script, deps);
  } finally {
    await stopServiceLogs();
  }
}

function statusOutcome(status: number): Outcome {
  return status === 0 ? { kind: 'success' } : { kind: 'script-failed', exitCode: status };
}

async function runOnHost(scriptPath: string, deps: RunDependencies): Promise<Outcome> {
  if (deps.signal.aborted) return { kind: 'interrupted' };
  // Not detached: the script stays in the driver's process group, which GitLab Runner signals as a
  // whole (and SIGKILLs after its graceful_kill_timeout), so nothing of the stage outlives the driver.
  const child = spawn('bash', [scriptPath], { env: deps.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(deps.stdout, { end: false });
  child.stderr.pipe(deps.stderr, { end: false });
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    // A signal to the driver alone (not its group) must still reach the script's children.
    void (async () => {
      const tree = child.pid === undefined ? [] : [child.pid, ...(await descendantPids(child.pid))];
      signalAll(tree, 'SIGTERM');
      setTimeout(() => signalAll(tree, 'SIGKILL'), deps.graceMs ?? 5000).unref();
    })();
  };
  deps.signal.addEventListener('abort', stop, { once: true });
  try {
    const status = await new Promise<number>((resolve, reject) => {
      child.on('error', (error) =>
        reject(new SystemError(`cannot start bash on the runner host: ${error.message}`, { cause: error })),
      );
      child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
    });
    return interrupted ? { kind: 'interrupted' } : statusOutcome(status);
  } finally {
    deps.signal.removeEventListener('abort', stop);
  }
}

/** Every process below pid, from the parent ids in /proc (Linux). */
export async function descendantPids(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(parent)) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0;) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function runInContainer(context: JobContext, script: Buffer, deps: RunDependencies): Promise<Outcome> {
  const { engine } = deps;
  if (deps.signal.aborted) return { kind: 'interrupted' };
  const container = context.jobContainerName;
  const labels = (await engine.inspectContainer(container))?.labels ?? {};
  const running = engine.exec(container, stageCommand(labels, CONTAINER_SHELL), {
    stdin: script,
    stdout: deps.stdout,
    stderr: deps.stderr,
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping = (async () => {
      deps.log.warn('stopping the stage inside the job container');
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
