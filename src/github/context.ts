/**
 * `set-context: true`: a docker context for the session's daemon, made current, for tools that pick
 * a context by name (e.g. `docker buildx create secure-dind`). The docker CLI copies the TLS files
 * into ~/.docker/contexts, so post removes the context and switches back to the previous one.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SystemError } from '../core/errors.js';
import type { ClientEnv } from '../session/types.js';
import { certFilePaths } from '../tls/cert-dir.js';
import type { ActionIo } from './io.js';

export interface DockerContextRecord {
  readonly name: string;
  /** The context that was current before, to switch back to. */
  readonly previous: string | undefined;
}

/** Docker contexts are managed with the CLI; the context commands ignore DOCKER_HOST's target. */
const CLI = 'docker';

/**
 * Creates the context and makes it current. `record` is called before anything is changed, so the
 * post step can undo a half-done creation.
 */
export async function createDockerContext(
  io: ActionIo,
  name: string,
  env: ClientEnv,
  record: (context: DockerContextRecord) => void,
): Promise<DockerContextRecord> {
  const previous = currentDockerContext(process.env);
  const context: DockerContextRecord = { name, previous: previous === name ? undefined : previous };
  record(context);

  if ((await io.exec(CLI, ['context', 'inspect', name])).exitCode === 0) {
    // Left by a job whose post step never ran (the session it pointed at is gone).
    io.warning(`secure-dind: replacing the existing docker context '${name}'`);
    await check(io, ['context', 'rm', '--force', name]);
  }
  const files = certFilePaths(env.DOCKER_CERT_PATH);
  const endpoint = [
    `host=${env.DOCKER_HOST}`,
    `ca=${files.ca}`,
    `cert=${files.cert}`,
    `key=${files.key}`,
  ].join(',');
  await check(io, [
    'context',
    'create',
    name,
    '--description',
    'secure-dind session daemon (mutual TLS)',
    '--docker',
    endpoint,
  ]);
  await check(io, ['context', 'use', name]);
  io.info(`docker context '${name}' created and in use (it was '${context.previous ?? 'default'}')`);
  return context;
}

/** Switches back to the previous context and removes ours. Throws with the CLI's message on failure. */
export async function removeDockerContext(io: ActionIo, context: DockerContextRecord): Promise<void> {
  if (currentDockerContext(process.env) === context.name) {
    const previous = context.previous ?? 'default';
    const back = await io.exec(CLI, ['context', 'use', previous]);
    if (back.exitCode !== 0) await check(io, ['context', 'use', 'default']);
  }
  if ((await io.exec(CLI, ['context', 'inspect', context.name])).exitCode !== 0) return;
  await check(io, ['context', 'rm', '--force', context.name]);
}

/**
 * The context the CLI's configuration makes current (`currentContext` in config.json), undefined for
 * the default one. Read from the file: `docker context show` is missing from older CLIs, and the CLI
 * reports "default" whenever DOCKER_HOST is set.
 */
export function currentDockerContext(env: NodeJS.ProcessEnv): string | undefined {
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' && config.currentContext !== ''
      ? config.currentContext
      : undefined;
  } catch {
    return undefined;
  }
}

async function check(io: ActionIo, args: readonly string[]): Promise<void> {
  const result = await io.exec(CLI, args);
  if (result.exitCode !== 0) {
    throw new SystemError(
      `docker ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim()}`,
      {
        hint: 'set-context needs the docker CLI (with context support) on the runner',
      },
    );
  }
}
