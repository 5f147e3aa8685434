/** What the numbers were measured on: the machine, the engine, and above all the runtime. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import os from 'node:os';
import { promisify } from 'node:util';
import type Docker from 'dockerode';

const execFileAsync = promisify(execFile);

export interface RuntimeDescription {
  readonly name: string;
  readonly path: string;
  /** True when sysbox-runc is not real Sysbox (the test stand-in: a runc wrapper). */
  readonly standIn: boolean;
  readonly note: string;
}

export interface MachineDescription {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly os: string;
  readonly node: string;
  readonly engine: {
    readonly version: string;
    readonly apiVersion: string;
    readonly storageDriver: string;
    readonly cgroupVersion: string;
    readonly cgroupDriver: string;
  };
  readonly runtime: RuntimeDescription;
  readonly dindImage: { readonly name: string; readonly id: string };
  readonly gitCommit: string;
}

/** How busy the machine was (other engineers' tests share this engine): recorded at start and end. */
export interface LoadSnapshot {
  readonly at: string;
  readonly loadAverage1m: number;
  readonly otherContainersRunning: number;
}

const STAND_IN_NOTE =
  'sysbox-runc on this engine is a test stand-in, not real Sysbox: a runc wrapper that edits the OCI ' +
  'bundle (every capability but CAP_SYS_RESOURCE, no seccomp, no masked paths, the host cgroupfs bound ' +
  'read-write) and execs runc. It has none of Sysbox isolation and none of its setup cost (user ' +
  'namespace, ID-mapped mounts, sysbox-fs emulation of /proc and /sys): real numbers need a Sysbox host.';
const REAL_NOTE = 'sysbox-runc is registered with a binary named sysbox-runc (taken to be real Sysbox).';

export function describeRuntime(name: string, path: string): RuntimeDescription {
  const standIn = basename(path) !== 'sysbox-runc';
  return { name, path, standIn, note: standIn ? STAND_IN_NOTE : REAL_NOTE };
}

async function osName(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1] ?? os.type();
}

async function gitCommit(): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', '--short', 'HEAD']);
    const { stdout: status } = await execFileAsync('git', ['status', '--porcelain', '--', 'src']);
    return `${stdout.trim()}${status.trim() ? ' (src/ has uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(
  api: Docker,
  runtime: string,
  image: string,
): Promise<MachineDescription> {
  const [info, version, imageInfo, osText, commit] = await Promise.all([
    api.info() as Promise<Record<string, unknown>>,
    api.version(),
    api.getImage(image).inspect(),
    osName(),
    gitCommit(),
  ]);
  const runtimes = (info.Runtimes ?? {}) as Record<string, { path?: string }>;
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    os: osText,
    node: process.version,
    engine: {
      version: version.Version,
      apiVersion: version.ApiVersion,
      storageDriver: String(info.Driver ?? 'unknown'),
      cgroupVersion: String(info.CgroupVersion ?? 'unknown'),
      cgroupDriver: String(info.CgroupDriver ?? 'unknown'),
    },
    runtime: describeRuntime(runtime, runtimes[runtime]?.path ?? 'unknown'),
    dindImage: { name: image, id: imageInfo.Id.slice(0, 19) },
    gitCommit: commit,
  };
}

/** Taken when the benchmark itself runs nothing, so every running container is someone else's. */
export async function loadSnapshot(api: Docker): Promise<LoadSnapshot> {
  const running = await api.listContainers({});
  return {
    at: new Date().toISOString(),
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    otherContainersRunning: running.length,
  };
}
