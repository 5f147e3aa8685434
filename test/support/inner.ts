/** Talking to a session's inner daemon the way a user does: the docker CLI and the client env. */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { DOCKER_CLI, hostEngineEnv, hostDocker } from './engine.js';

const execFileAsync = promisify(execFile);

export interface ClientEnvLike {
  readonly DOCKER_HOST: string;
  readonly DOCKER_TLS_VERIFY: string;
  readonly DOCKER_CERT_PATH: string;
}

/**
 * Runs the docker CLI with only the session's environment (plus `extraEnv`, e.g. DOCKER_BUILDKIT),
 * as a job sees it. Returns stdout; a failure's message carries the CLI's stderr.
 */
export async function innerDocker(
  env: ClientEnvLike,
  args: readonly string[],
  timeout = 120_000,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<string> {
  const { stdout } = await execFileAsync(DOCKER_CLI, [...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...extraEnv, ...env },
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Copies an image from the host engine into the session's daemon (docker save | docker load). */
export async function loadImage(env: ClientEnvLike, image: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const save = spawn(DOCKER_CLI, ['save', image], {
      env: hostEngineEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const load = spawn(DOCKER_CLI, ['load', '-q'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
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

/** Names of everything on the host engine labelled with this session id. */
export async function sessionResources(sessionId: string): Promise<string[]> {
  const filter = `label=dev.secure-dind.session=${sessionId}`;
  const [containers, networks, volumes] = await Promise.all([
    hostDocker(['ps', '-a', '--filter', filter, '--format', 'container {{.Names}}']),
    hostDocker(['network', 'ls', '--filter', filter, '--format', 'network {{.Name}}']),
    hostDocker(['volume', 'ls', '--filter', filter, '--format', 'volume {{.Name}}']),
  ]);
  return [containers, networks, volumes].flatMap((text) => text.split('\n').filter(Boolean));
}

/** Cache volumes of a cache key (by label). */
export async function cacheVolumes(cacheKey: string): Promise<string[]> {
  const out = await hostDocker([
    'volume',
    'ls',
    '--filter',
    'label=dev.secure-dind.role=cache',
    '--filter',
    `label=dev.secure-dind.cache-key=${cacheKey}`,
    '--format',
    '{{.Name}}',
  ]);
  return out.split('\n').filter(Boolean).sort();
}

export async function removeCacheVolumes(cacheKey: string): Promise<void> {
  for (const volume of await cacheVolumes(cacheKey)) {
    await hostDocker(['volume', 'rm', '-f', volume]).catch(() => undefined);
  }
}

export function uniqueKey(prefix: string): string {
  return `test-${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
