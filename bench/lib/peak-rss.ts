/**
 * Peak resident set size of a node process this benchmark starts. The exact figure comes from a
 * preloaded hook that reads VmHWM ("high water mark", the peak) from /proc/self/status at exit;
 * sampling /proc/<pid>/status while the process runs is the fallback.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOOK = fileURLToPath(new URL('./peak-rss-hook.mjs', import.meta.url));
const SAMPLE_MS = 25;

export interface PeakMeter {
  /** Environment for the measured process (merge into its env). */
  readonly env: Record<string, string>;
  /** Call with the child's pid right after spawning it. */
  watch(pid: number): void;
  /** After the child exited: its peak RSS in MiB, and how it was obtained. */
  peak(pid: number): Promise<{ mib: number; source: 'exit hook' | 'sampling' }>;
}

async function vmHwmKiB(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(text) ?? /^(\d+)$/.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

export async function peakMeter(dir: string): Promise<PeakMeter> {
  await mkdir(dir, { recursive: true });
  const sampled = new Map<number, number>();
  const timers = new Map<number, NodeJS.Timeout>();
  return {
    env: { NODE_OPTIONS: `--import=${HOOK}`, SD_BENCH_PEAK_DIR: dir },
    watch(pid) {
      const timer = setInterval(() => {
        void vmHwmKiB(`/proc/${pid}/status`).then((kib) => {
          if (kib !== undefined) sampled.set(pid, Math.max(kib, sampled.get(pid) ?? 0));
        });
      }, SAMPLE_MS);
      timers.set(pid, timer);
    },
    async peak(pid) {
      clearInterval(timers.get(pid));
      timers.delete(pid);
      const exact = await vmHwmKiB(join(dir, `${pid}.kb`));
      if (exact !== undefined) return { mib: exact / 1024, source: 'exit hook' };
      const fallback = sampled.get(pid);
      if (fallback === undefined) throw new Error(`no peak RSS recorded for pid ${pid}`);
      return { mib: fallback / 1024, source: 'sampling' };
    },
  };
}
