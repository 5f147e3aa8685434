/**
 * Memory: the peak RSS of the GitHub Action's main step (node dist/main.js) through a launch and of
 * its post step (dist/post.js) through the teardown, run the way the Actions runner runs them; and the
 * idle memory of the DinD container a few seconds after it is ready. Until dist/main.js exists, the
 * CLI (node dist/cli.js up --json / down) stands in, and the figures say so.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GitHubRunnerJob, type StepResult } from '../../test/support/github-runner.js';
import type { BenchContext } from '../lib/context.js';
import type { Experiment, ExperimentOutcome } from '../lib/experiment.js';
import { alternate } from '../lib/measure.js';
import { type PeakMeter, peakMeter } from '../lib/peak-rss.js';
import { figure } from '../lib/report.js';
import { removeCacheVolumes } from '../lib/sessions.js';

const IDLE_SETTLE_MS = 5_000;

interface Launched {
  readonly containerId: string;
  readonly upPid: number;
  /** Ends the session; returns the pid of the process that did. */
  down(): Promise<number>;
}

/** An entry point of the product that launches a session in a child node process, and ends it. */
interface Launcher {
  readonly label: string;
  readonly upLabel: string;
  readonly downLabel: string;
  up(job: GitHubRunnerJob, meter: PeakMeter, cacheKey: string): Promise<Launched>;
}

function checkStep(what: string, step: StepResult): void {
  if (step.exitCode === 0 && step.errors.length === 0) return;
  const detail = [...step.errors, step.stderr.trim().split('\n').slice(-5).join(' | ')]
    .filter(Boolean)
    .join(' | ');
  throw new Error(`${what} failed (exit ${step.exitCode}): ${detail}`);
}

function spawnRecorder(meter: PeakMeter): { onSpawn: (pid: number) => void; pid: () => number } {
  let pid: number | undefined;
  return {
    onSpawn: (p) => {
      pid = p;
      meter.watch(p);
    },
    pid: () => {
      if (pid === undefined) throw new Error('the step did not start');
      return pid;
    },
  };
}

function actionLauncher(ctx: BenchContext): Launcher {
  return {
    label: 'GitHub Action (dist/main.js, dist/post.js)',
    upLabel: 'peak RSS of node dist/main.js (launch)',
    downLabel: 'peak RSS of node dist/post.js (teardown)',
    async up(job, meter, cacheKey) {
      const main = spawnRecorder(meter);
      const step = await job.runAction(
        'main',
        { image: ctx.image, runtime: ctx.runtime, 'cache-key': cacheKey },
        main,
      );
      checkStep('node dist/main.js', step);
      const containerId = step.outputs['container-id'];
      if (!containerId) throw new Error('dist/main.js set no container-id output');
      return {
        containerId,
        upPid: main.pid(),
        async down() {
          const post = spawnRecorder(meter);
          checkStep('node dist/post.js', await job.runAction('post', {}, post));
          return post.pid();
        },
      };
    },
  };
}

function cliLauncher(ctx: BenchContext): Launcher {
  const cli = resolve('dist/cli.js');
  return {
    label: 'CLI stand-in for the Action (dist/main.js missing): dist/cli.js up --json / down',
    upLabel: 'peak RSS of node dist/cli.js up --json (launch; CLI, not the Action)',
    downLabel: 'peak RSS of node dist/cli.js down (teardown; CLI, not the Action)',
    async up(job, meter, cacheKey) {
      const upRun = spawnRecorder(meter);
      const args = [
        cli,
        'up',
        '--json',
        '--image',
        ctx.image,
        '--runtime',
        ctx.runtime,
        '--cache-key',
        cacheKey,
      ];
      const step = await job.runStep(process.execPath, args, {}, upRun.onSpawn);
      checkStep('node dist/cli.js up', step);
      const session = JSON.parse(step.stdout) as { sessionId: string; containerId: string };
      return {
        containerId: session.containerId,
        upPid: upRun.pid(),
        async down() {
          const downRun = spawnRecorder(meter);
          checkStep(
            'node dist/cli.js down',
            await job.runStep(process.execPath, [cli, 'down', session.sessionId], {}, downRun.onSpawn),
          );
          return downRun.pid();
        },
      };
    },
  };
}

/** The Action when it is built, else the CLI. */
function chooseLauncher(ctx: BenchContext): Launcher {
  if (existsSync(resolve('dist/main.js')) && existsSync(resolve('dist/post.js'))) return actionLauncher(ctx);
  if (existsSync(resolve('dist/cli.js'))) return cliLauncher(ctx);
  throw new Error('neither dist/main.js nor dist/cli.js exists: the bundle has not been built');
}

interface ContainerMemory {
  /** What `docker stats` shows: usage minus inactive file cache. */
  readonly statsMiB: number;
  /** The cgroup's raw usage (memory.usage_in_bytes), page cache included. */
  readonly usageMiB: number;
}

async function containerMemory(ctx: BenchContext, id: string): Promise<ContainerMemory> {
  const stats = (await ctx.api.getContainer(id).stats({ stream: false })) as {
    memory_stats?: { usage?: number; stats?: Record<string, number> };
  };
  const usage = stats.memory_stats?.usage;
  if (usage === undefined) throw new Error('the engine reported no memory usage for the DinD container');
  const detail = stats.memory_stats?.stats ?? {};
  const inactive = detail.total_inactive_file ?? detail.inactive_file ?? 0;
  return { statsMiB: (inactive < usage ? usage - inactive : usage) / 2 ** 20, usageMiB: usage / 2 ** 20 };
}

interface MemorySample {
  readonly upMiB: number;
  readonly downMiB: number;
  readonly idle: ContainerMemory;
  readonly sources: readonly string[];
}

async function measureOnce(
  ctx: BenchContext,
  launcher: Launcher,
  cacheKey: string,
  round: number,
): Promise<MemorySample> {
  const meter = await peakMeter(join(ctx.workDir, `peak-${round}`));
  const job = new GitHubRunnerJob({
    repository: 'sd-bench/bench',
    env: { ...meter.env, SECURE_DIND_STATE_DIR: ctx.stateDir },
  });
  let launched: Launched | undefined;
  try {
    launched = await launcher.up(job, meter, cacheKey);
    const up = await meter.peak(launched.upPid);
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    const idle = await containerMemory(ctx, launched.containerId);
    const down = await meter.peak(await launched.down());
    launched = undefined;
    return { upMiB: up.mib, downMiB: down.mib, idle, sources: [up.source, down.source] };
  } finally {
    if (launched) await launched.down().catch(() => undefined);
    job.dispose();
  }
}

async function run(ctx: BenchContext): Promise<ExperimentOutcome> {
  const launcher = chooseLauncher(ctx);
  const cacheKey = ctx.cacheKey('memory');
  try {
    const samples = await alternate(
      [{ name: 'memory', run: (round) => measureOnce(ctx, launcher, cacheKey, round.index) }],
      ctx.schedule,
      {
        progress: (line) => ctx.progress(`memory ${line}`),
        describe: (s) =>
          `up ${s.upMiB.toFixed(1)} MiB, down ${s.downMiB.toFixed(1)} MiB, DinD idle ${s.idle.statsMiB.toFixed(1)} MiB`,
      },
    );
    return memoryOutcome(samples.memory!, launcher);
  } finally {
    await removeCacheVolumes(ctx, cacheKey);
  }
}

/** Peak RSS budget of the launching and the tearing-down process: a runner runs many of them. */
const PEAK_RSS_TARGET_MIB = 60;

function memoryOutcome(all: readonly MemorySample[], launcher: Launcher): ExperimentOutcome {
  const sources = [...new Set(all.flatMap((s) => s.sources))];
  const up = figure(
    'memory-up-peak',
    launcher.upLabel,
    'MiB',
    all.map((s) => s.upMiB),
  );
  const down = figure(
    'memory-down-peak',
    launcher.downLabel,
    'MiB',
    all.map((s) => s.downMiB),
  );
  return {
    method: [
      `Entry point: ${launcher.label}, run with node ${process.version} as the Actions runner runs a node action ` +
        '(INPUT_* from action.yml defaults plus image, runtime and cache-key; RUNNER_TEMP; fresh GITHUB_ENV/OUTPUT/STATE/' +
        "STEP_SUMMARY files; the post step gets STATE_* from the main step's GITHUB_STATE). One cache key for all rounds.",
      `Peak RSS: VmHWM of /proc/self/status read at process exit by a preloaded hook (NODE_OPTIONS=--import bench/lib/peak-rss-hook.mjs); ` +
        `sampling /proc/<pid>/status every 25 ms is the fallback. Used here: ${sources.join(', ')}.`,
      `DinD idle memory: the engine's stats of the DinD container ${IDLE_SETTLE_MS / 1000} s after the main step returned ` +
        '(usage minus inactive file cache, as `docker stats` shows; raw cgroup usage also given). Under the stand-in runtime ' +
        "inner containers get cgroups outside the DinD container's own, so only dockerd and containerd count here.",
    ],
    figures: [
      up,
      down,
      figure(
        'memory-dind-idle',
        'DinD container idle memory (as docker stats shows)',
        'MiB',
        all.map((s) => s.idle.statsMiB),
      ),
      figure(
        'memory-dind-idle-raw',
        '  DinD container idle, raw cgroup usage',
        'MiB',
        all.map((s) => s.idle.usageMiB),
      ),
    ],
    ratios: [],
    targets: [up, down].map((peak) => ({
      id: peak.id,
      goal: `${peak.label} <= ${PEAK_RSS_TARGET_MIB} MiB`,
      measured: `${peak.summary.median.toFixed(1)} MiB`,
      met: peak.summary.median <= PEAK_RSS_TARGET_MIB,
    })),
    findings: [`measured entry point: ${launcher.label}`],
  };
}

export const memoryExperiment: Experiment = {
  id: 'memory',
  title: 'Memory: the launching process and the idle daemon',
  run,
};
