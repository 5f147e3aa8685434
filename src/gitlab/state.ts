/**
 * The per-job state file: what prepare created, saved before each side effect, so that cleanup
 * (a later process) finds it even after a half-finished prepare. Labels are the second net.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { SessionState } from '../session/types.js';

export interface JobState {
  readonly version: 1;
  readonly jobId: string;
  readonly label: string;
  readonly networkName?: string;
  readonly jobContainer?: string;
  readonly serviceContainers: readonly string[];
  /** DinD sessions, keyed by service index. */
  readonly sessions: Readonly<Record<string, SessionState>>;
  /**
   * The build's result as the run stages saw it; cleanup commits the DinD cache only on
   * "succeeded" (unset: no build stage finished, e.g. a cancelled job).
   */
  readonly buildResult?: 'succeeded' | 'failed';
}

export async function saveJobState(file: string, state: JobState): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The saved state, or undefined when there is none (or it is unreadable). */
export async function loadJobState(file: string): Promise<JobState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as JobState;
    return parsed.version === 1 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Stages GitLab runs only after the build failed. */
const FAILURE_STAGES = new Set(['upload_artifacts_on_failure', 'archive_cache_on_failure']);

/**
 * Notes what a run stage says of the build: a user stage (build_script, step_*) that fails, is
 * interrupted or errs, or a stage GitLab runs only on failure, makes it failed for good; a user
 * stage that succeeds makes it succeeded unless it already failed. after_script does not count.
 */
export async function noteBuildResult(
  file: string,
  stage: string,
  location: 'helper' | 'job',
  succeeded: boolean,
): Promise<void> {
  const isBuildStage = location === 'job' && stage !== 'after_script';
  if (!isBuildStage && !FAILURE_STAGES.has(stage)) return;
  const state = await loadJobState(file);
  if (!state || state.buildResult === 'failed') return;
  const buildResult = isBuildStage && succeeded ? 'succeeded' : 'failed';
  if (state.buildResult !== buildResult) await saveJobState(file, { ...state, buildResult });
}

export async function removeJobState(file: string): Promise<void> {
  await rm(file, { force: true });
}
