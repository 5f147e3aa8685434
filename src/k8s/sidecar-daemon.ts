/**
 * The sidecar's dockerd: its files (server certificates, daemon.json) in a directory private to the
 * DinD container, its arguments, and starting and stopping it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAEMON_TLS_PORT } from '../core/spec.js';
import { certFilePaths } from '../tls/cert-dir.js';
import type { PemPair } from '../tls/certs.js';
import type { ListenMode } from './options.js';

/** Inside the DinD container only (not a shared volume): server key, daemon.json, pid file. */
export const PRIVATE_DIR = '/run/secure-dind';

export interface DaemonFiles {
  readonly configFile: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly pidFile: string;
}

export async function writeDaemonFiles(
  dir: string,
  daemonJson: Record<string, unknown>,
  caCertPem: string,
  server: PemPair,
): Promise<DaemonFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = certFilePaths(dir);
  const files: DaemonFiles = {
    configFile: join(dir, 'daemon.json'),
    caFile: paths.ca,
    certFile: paths.cert,
    keyFile: paths.key,
    pidFile: join(dir, 'dockerd.pid'),
  };
  await writeFile(files.configFile, `${JSON.stringify(daemonJson, null, 2)}\n`, { mode: 0o644 });
  await writeFile(files.caFile, caCertPem, { mode: 0o644 });
  await writeFile(files.certFile, server.certPem, { mode: 0o644 });
  await writeFile(files.keyFile, server.keyPem, { mode: 0o600 });
  return files;
}

/** Where dockerd listens: the pod's loopback unless the pod IP was asked for (mTLS either way). */
export function listenAddress(listen: ListenMode): string {
  return listen === 'pod' ? '0.0.0.0' : '127.0.0.1';
}

/**
 * Only the mutual-TLS TCP socket: no unix socket, so nothing in the pod reaches the daemon
 * without the client certificate.
 */
export function dockerdArgs(files: DaemonFiles, dataRoot: string, listen: ListenMode): string[] {
  return [
    `--config-file=${files.configFile}`,
    `--data-root=${dataRoot}`,
    `--pidfile=${files.pidFile}`,
    `--host=tcp://${listenAddress(listen)}:${DAEMON_TLS_PORT}`,
    '--tlsverify',
    `--tlscacert=${files.caFile}`,
    `--tlscert=${files.certFile}`,
    `--tlskey=${files.keyFile}`,
  ];
}

/**
 * cgroup v2: dockerd must delegate controllers, which the root cgroup of the container cannot do
 * while it holds processes; move ours to a child first (as runner-image's entrypoint does).
 */
export async function nestCgroupV2(root = '/sys/fs/cgroup'): Promise<void> {
  if (!existsSync(join(root, 'cgroup.controllers'))) return;
  try {
    await mkdir(join(root, 'init'), { recursive: true });
    const procs = (await readFile(join(root, 'cgroup.procs'), 'utf8')).split('\n').filter(Boolean);
    for (const pid of procs) await writeFile(join(root, 'init', 'cgroup.procs'), pid).catch(() => {});
    const controllers = (await readFile(join(root, 'cgroup.controllers'), 'utf8')).trim().split(/\s+/);
    await writeFile(join(root, 'cgroup.subtree_control'), controllers.map((c) => `+${c}`).join(' '));
  } catch {
    // Best effort, as in the entrypoint: dockerd reports what it then cannot do.
  }
}

export interface RunningDaemon {
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal name) when dockerd ends. */
  readonly exited: Promise<number | string>;
}

export function startDockerd(args: readonly string[]): RunningDaemon {
  const child = spawn('dockerd', [...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => resolve(error.message));
  });
  return { process: child, exited };
}

/** SIGTERM (dockerd stops its containers and flushes), SIGKILL after `graceMs`. True when clean. */
export async function stopDockerd(daemon: RunningDaemon, graceMs: number): Promise<boolean> {
  if (daemon.process.exitCode !== null || daemon.process.signalCode !== null) return false;
  daemon.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)),
  );
  const result = await Promise.race([daemon.exited, timedOut]);
  clearTimeout(timer);
  if (result !== 'timeout') return result === 0;
  daemon.process.kill('SIGKILL');
  await daemon.exited;
  return false;
}
