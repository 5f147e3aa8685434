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

export async function removeJobState(file: string): Promise<void> {
  await rm(file, { force: true });
}
