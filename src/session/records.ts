/** Session records on the host, so that `secure-dind down ID` works from another process. */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { SessionState } from './types.js';

const SESSION_ID = /^[0-9a-f]{12}$/;

function recordPath(stateDir: string, sessionId: string): string {
  return join(stateDir, 'sessions', `${sessionId}.json`);
}

export function isSessionId(text: string): boolean {
  return SESSION_ID.test(text);
}

export async function saveSessionRecord(stateDir: string, state: SessionState): Promise<void> {
  await mkdir(join(stateDir, 'sessions'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(recordPath(stateDir, state.sessionId), JSON.stringify(state), { mode: 0o600 });
}

export async function loadSessionRecord(
  stateDir: string,
  sessionId: string,
): Promise<SessionState | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(stateDir, sessionId), 'utf8')) as SessionState;
  } catch {
    return undefined;
  }
}

export async function removeSessionRecord(stateDir: string, sessionId: string): Promise<void> {
  await rm(recordPath(stateDir, sessionId), { force: true });
}

/** Every session record on the host (unreadable ones are skipped). */
export async function listSessionRecords(stateDir: string): Promise<SessionState[]> {
  const names = await readdir(join(stateDir, 'sessions')).catch(() => [] as string[]);
  const records = await Promise.all(
    names
      .filter((name) => name.endsWith('.json') && isSessionId(name.slice(0, -'.json'.length)))
      .map((name) => loadSessionRecord(stateDir, name.slice(0, -'.json'.length))),
  );
  return records.filter((record): record is SessionState => record !== undefined);
}
