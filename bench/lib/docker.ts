/**
 * How the benchmark talks to Docker: the engine API (dockerode) for the containers it runs itself
 * (the "floor" and "docker:dind way" variants), and the docker CLI for what a user does in a job
 * (build, load, run, logs), against the host engine or a session's inner daemon.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import Docker from 'dockerode';

const execFileAsync = promisify(execFile);

export const HOST_SOCKET = '/var/run/docker.sock';
/** Debian's docker client matches the engine here; fall back to whatever is on PATH. */
export const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

export interface ClientEnv {
  readonly DOCKER_HOST: string;
  readonly DOCKER_TLS_VERIFY: string;
  readonly DOCKER_CERT_PATH: string;
}

export function hostApi(): Docker {
  return new Docker({ socketPath: HOST_SOCKET });
}

/** The CLI's environment for the host engine: nothing inherited that could point elsewhere. */
function hostEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOCKER_HOST: `unix://${HOST_SOCKET}`,
    DOCKER_TLS_VERIFY: '',
    DOCKER_CERT_PATH: '',
  };
}

/** The CLI's environment for a session: only the session's triple (and PATH, HOME), as a job sees it. */
function sessionEnv(env: ClientEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra, ...env };
}

export interface CliOptions {
  readonly timeoutMs?: number;
  /** Extra environment, e.g. DOCKER_BUILDKIT. */
  readonly env?: Record<string, string>;
}

async function run(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await execFileAsync(DOCKER_CLI, [...args], {
      env,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(
      `docker ${args.join(' ')} failed: ${stderr.split('\n').slice(-5).join(' | ') || String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** The docker CLI against the host engine. Returns stdout; throws with stderr's last lines. */
export function hostCli(args: readonly string[], options: CliOptions = {}): Promise<string> {
  return run(args, { ...hostEnv(), ...options.env }, options.timeoutMs ?? 120_000);
}

/** The docker CLI against a session's daemon, with only the session's environment. */
export function innerCli(env: ClientEnv, args: readonly string[], options: CliOptions = {}): Promise<string> {
  return run(args, sessionEnv(env, options.env), options.timeoutMs ?? 120_000);
}

/** `docker logs` of a host container: its stdout and stderr (where dockerd logs), as text. */
export async function hostLogs(container: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync(DOCKER_CLI, ['logs', container], {
    env: hostEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  return `${stdout}${stderr}`;
}

/** Copies an image from the host engine into a session's daemon: docker save | docker load. */
export async function copyImage(env: ClientEnv, image: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const save = spawn(DOCKER_CLI, ['save', image], { env: hostEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const load = spawn(DOCKER_CLI, ['load', '-q'], {
      env: sessionEnv(env),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    save.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    load.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    save.stdout.pipe(load.stdin);
    save.on('error', reject);
    load.on('error', reject);
    save.on('exit', (code) => {
      if (code !== 0) load.kill();
    });
    load.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`docker save ${image} | docker load failed: ${stderr.trim()}`)),
    );
  });
}

/** Loads the image into the session's daemon unless it is already there (a cache hit); true if loaded. */
export async function ensureImage(env: ClientEnv, image: string): Promise<boolean> {
  const present = await innerCli(env, ['image', 'inspect', '--format', '{{.Id}}', image]).then(
    () => true,
    () => false,
  );
  if (present) return false;
  await copyImage(env, image);
  return true;
}
