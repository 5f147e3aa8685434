/**
 * What every experiment gets: the run's identity (every resource is named or labelled sd-bench-<run>),
 * the schedule, the images, a private state directory, and the engine clients.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { DockerEngine } from '../../src/engine/docker.js';
import type { BenchArgs } from './args.js';
import { HOST_SOCKET, hostApi } from './docker.js';
import type { Schedule } from './measure.js';

export const DIND_IMAGE = 'secure-dind/runner-image:dev';
export const BASE_IMAGE = 'secure-dind/base:bookworm';
export const BUSYBOX_IMAGE = 'secure-dind/busybox:test';
export const RUNTIME = 'sysbox-runc';
/** The label on every container and network the benchmark creates itself (value: the run id). */
export const BENCH_LABEL = 'dev.secure-dind.bench';

export interface BenchContext {
  readonly runId: string;
  /** sd-bench-<run>: prefix of every name and cache key of this run. */
  readonly prefix: string;
  readonly quick: boolean;
  readonly schedule: Schedule;
  /** Launches in the start-storm soak. */
  readonly soakLaunches: number;
  readonly image: string;
  readonly runtime: string;
  /** Private state directory for launch/teardown (cache-use records), never the host's. */
  readonly stateDir: string;
  /** Scratch files of this run (certificates of the bare variants, action runner files). */
  readonly workDir: string;
  readonly engine: DockerEngine;
  readonly api: Docker;
  readonly labels: Readonly<Record<string, string>>;
  progress(line: string): void;
  /** A cache key of this run, e.g. sd-bench-<run>-build-2. */
  cacheKey(name: string): string;
}

export async function createContext(args: BenchArgs): Promise<BenchContext> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const prefix = `sd-bench-${runId}`;
  const workDir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const stateDir = join(workDir, 'state');
  return {
    runId,
    prefix,
    quick: args.quick,
    soakLaunches: args.soak,
    schedule: { warmup: args.warmup, runs: args.runs },
    image: DIND_IMAGE,
    runtime: RUNTIME,
    stateDir,
    workDir,
    engine: new DockerEngine(`unix://${HOST_SOCKET}`),
    api: hostApi(),
    labels: { [BENCH_LABEL]: runId },
    progress: (line) => process.stderr.write(`[bench] ${line}\n`),
    cacheKey: (name) => `${prefix}-${name}`,
  };
}

/** Fails early, with the fix, when the engine, the runtime or the development images are missing. */
export async function preflight(api: Docker): Promise<void> {
  const fix = 'Run: sudo bash test/support/dev-engine.sh';
  const info = (await api.info().catch((error: unknown) => {
    throw new Error(`no Docker engine at ${HOST_SOCKET} (${String(error)}). ${fix}`);
  })) as { Runtimes?: Record<string, unknown> };
  if (!(RUNTIME in (info.Runtimes ?? {}))) throw new Error(`the engine has no ${RUNTIME} runtime. ${fix}`);
  for (const image of [DIND_IMAGE, BASE_IMAGE, BUSYBOX_IMAGE]) {
    await api
      .getImage(image)
      .inspect()
      .catch(() => {
        throw new Error(`image ${image} is missing. ${fix}`);
      });
  }
}
