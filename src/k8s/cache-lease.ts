/**
 * Leases one slot directory of the cache volume, so two daemons never share one data-root: pods on
 * one node can mount the same claim, and a sidecar restarted by kubelet must not meet its own
 * predecessor's daemon.
 *
 * The lease is a kernel lock (flock(1) on slot-N/lease.lock) held by a child `cat` reading our
 * stdin: the kernel drops the lock when that child exits, and the child exits as soon as our end
 * of the pipe closes, which also happens when this process is killed with SIGKILL. So a crashed
 * pod never leaves a lease held, with no heartbeat and no staleness guess.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SystemError } from '../core/errors.js';

export interface CacheLease {
  readonly slot: number;
  /** The slot's directory: the daemon's data-root goes below it. */
  readonly dir: string;
  /** Releases the lock (idempotent). */
  release(): Promise<void>;
}

/** flock's exit status when the lock is held elsewhere (BSD's EX_TEMPFAIL). */
const HELD_ELSEWHERE = 75;

export function slotDir(cacheDir: string, slot: number): string {
  return join(cacheDir, `slot-${slot}`);
}

/** The first free slot of `slots`, or undefined when all are leased by others. */
export async function leaseCacheSlot(cacheDir: string, slots: number): Promise<CacheLease | undefined> {
  for (let slot = 0; slot < slots; slot++) {
    const dir = slotDir(cacheDir, slot);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const holder = await tryLock(join(dir, 'lease.lock'));
    if (holder) return { slot, dir, release: () => unlock(holder) };
  }
  return undefined;
}

function tryLock(lockFile: string): Promise<ChildProcess | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'flock',
      ['--nonblock', '--conflict-exit-code', String(HELD_ELSEWHERE), lockFile, 'cat'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let settled = false;
    const settle = (action: () => void): void => {
      if (!settled) {
        settled = true;
        action();
      }
    };
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // `cat` echoes a line back only once flock holds the lock and has started it.
    child.stdout.once('data', () => settle(() => resolve(child)));
    child.on('error', (error) =>
      settle(() =>
        reject(new SystemError(`cannot run flock to lease ${lockFile}: ${error.message}`, { cause: error })),
      ),
    );
    child.on('exit', (code) =>
      settle(() =>
        code === HELD_ELSEWHERE
          ? resolve(undefined)
          : reject(new SystemError(`flock on ${lockFile} exited with ${code}: ${stderr.trim()}`)),
      ),
    );
    // flock may exit before reading (lock held elsewhere): a write error then is expected.
    child.stdin.on('error', () => {});
    child.stdin.write('leased\n');
  });
}

function unlock(holder: ChildProcess): Promise<void> {
  if (holder.exitCode !== null || holder.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    holder.once('exit', () => resolve());
    holder.stdin?.end();
  });
}
