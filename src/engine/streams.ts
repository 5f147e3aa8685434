/** The engine calls that stream: following a container's output and running a command in it. */
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { retry } from '../core/retry.js';
import type { ExecIo, RegistryAuthConfig } from '../ports.js';
import { demultiplex } from './raw.js';

/** The engine takes seconds.nanoseconds: a whole second would repeat the previous stage's lines. */
function engineTimestamp(time: Date): string {
  return `${Math.floor(time.getTime() / 1000)}.${String(time.getTime() % 1000).padStart(3, '0')}000000`;
}

/** Resolves when the stream ends, closes or fails (a follower stops quietly either way). */
function settled(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
}

export async function followContainerLogs(
  docker: Docker,
  container: string,
  since: Date,
  onData: (chunk: Buffer) => void,
  signal: AbortSignal,
): Promise<void> {
  const stream = (await docker.getContainer(container).logs({
    stdout: true,
    stderr: true,
    follow: true,
    since: engineTimestamp(since),
  })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const sink = new PassThrough();
  sink.on('data', onData);
  docker.modem.demuxStream(stream, sink, sink);
  const stop = () => stream.destroy();
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  await settled(stream);
  signal.removeEventListener('abort', stop);
}

export async function execInContainer(
  docker: Docker,
  container: string,
  cmd: readonly string[],
  io: ExecIo,
): Promise<number> {
  const exec = await docker.getContainer(container).exec({
    Cmd: [...cmd],
    AttachStdin: io.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: io.stdin !== undefined });
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  docker.modem.demuxStream(stream, io.stdout, io.stderr);
  if (io.stdin !== undefined) {
    if (Buffer.isBuffer(io.stdin)) stream.end(io.stdin);
    else io.stdin.pipe(stream);
  }
  await ended;
  // The stream can end a moment before the engine records the exit status.
  const { value } = await retry(
    async () => {
      const info = await exec.inspect();
      if (info.Running || info.ExitCode === null)
        throw new Error('the command did not report an exit status');
      return info.ExitCode;
    },
    { timeoutMs: 5_000, initialDelayMs: 50, maxDelayMs: 50 },
  );
  return value;
}

/**
 * Pulls an image (":latest" when it names no tag, as the docker CLI does). The registry
 * credentials go only into the request's X-Registry-Auth header, never into a message.
 */
export async function pullWithProgress(
  docker: Docker,
  image: string,
  auth?: RegistryAuthConfig,
): Promise<void> {
  const stream = await docker.pull(image, auth ? { authconfig: auth } : {});
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = error ?? output.find((event) => event.error)?.error;
      if (failed) reject(failed instanceof Error ? failed : new Error(failed));
      else resolve();
    });
  });
}

/** Starts a created container, waits for it to exit and returns its status and output. */
export async function runUntilExit(
  docker: Docker,
  id: string,
): Promise<{ statusCode: number; output: string }> {
  const container = docker.getContainer(id);
  await container.start();
  const outcome = (await container.wait()) as { StatusCode?: number };
  const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return { statusCode: outcome.StatusCode ?? -1, output: demultiplex(logs) };
}
