/**
 * Builds directories: each running job of a project gets a slot of its own, leased by creating
 * `<lease dir>/<slot>.json` exclusively, so two running jobs never share one whatever their
 * variables claim (GitLab's CI_CONCURRENT_PROJECT_ID is a job-overridable variable). A finished job
 * releases its slot at cleanup, so the next job reuses the checkout; a lease whose job vanished
 * without cleanup (a crashed runner) is taken over once its deadline has passed.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SystemError } from '../core/errors.js';
import { RetryTimeout, retry } from '../core/retry.js';
import type { JobContext } from './job.js';

interface Lease {
  /** The job label (see job.ts): server, job id and token digest. */
  readonly owner: string;
  readonly expires: string;
}

const LEASE_FILE = /^(\d{1,6})\.json$/;

async function readLease(path: string): Promise<Lease | undefined> {
  try {
    const lease = JSON.parse(await readFile(path, 'utf8')) as Partial<Lease>;
    return typeof lease.owner === 'string' && typeof lease.expires === 'string'
      ? { owner: lease.owner, expires: lease.expires }
      : undefined;
  } catch {
    return undefined;
  }
}

async function leasedSlots(leaseDir: string): Promise<Map<number, Lease | undefined>> {
  const slots = new Map<number, Lease | undefined>();
  const names = await readdir(leaseDir).catch(() => [] as string[]);
  for (const name of names) {
    const match = LEASE_FILE.exec(name);
    if (match) slots.set(Number(match[1]), await readLease(join(leaseDir, name)));
  }
  return slots;
}

/** The slot this owner holds, if any. */
export async function heldSlot(leaseDir: string, owner: string): Promise<number | undefined> {
  for (const [slot, lease] of await leasedSlots(leaseDir)) if (lease?.owner === owner) return slot;
  return undefined;
}

/** Another taker changed the slot between our look and our write: look again. */
class SlotContended extends Error {}

/** Long enough for every job of a busy runner host to take its turn at the lease directory. */
const CONTENTION_BUDGET_MS = 10_000;

/** The owner's slot: the one it already holds (stages repeat), else the lowest free one. */
export async function leaseSlot(
  leaseDir: string,
  owner: string,
  deadline: Date,
  now: Date = new Date(),
): Promise<number> {
  await mkdir(leaseDir, { recursive: true, mode: 0o700 });
  const body = JSON.stringify({ owner, expires: deadline.toISOString() } satisfies Lease);
  try {
    const leased = await retry(({ attempt }) => takeSlot(leaseDir, owner, body, now, attempt), {
      timeoutMs: CONTENTION_BUDGET_MS,
      initialDelayMs: 5,
      maxDelayMs: 100,
      shouldRetry: (error) => error instanceof SlotContended,
    });
    return leased.value;
  } catch (error) {
    if (error instanceof RetryTimeout)
      throw new SystemError(`could not lease a builds directory slot in ${leaseDir}`);
    throw error;
  }
}

/** One look at the lease directory and one try at the slot it shows free; SlotContended if lost. */
async function takeSlot(
  leaseDir: string,
  owner: string,
  body: string,
  now: Date,
  attempt: number,
): Promise<number> {
  const slots = await leasedSlots(leaseDir);
  for (const [slot, lease] of slots) if (lease?.owner === owner) return slot;
  let slot = 0;
  while (slots.has(slot) && !isExpired(slots.get(slot), now)) slot++;
  const path = join(leaseDir, `${slot}.json`);
  if (slots.has(slot)) {
    // An expired lease: move it aside first; of two takers only one rename succeeds.
    const moved = `${path}.expired-${process.pid}-${attempt}`;
    if (!(await renamed(path, moved))) throw new SlotContended();
    // Between our look and the rename another taker may have put a fresh lease there: give it back.
    const taken = await readLease(moved);
    if (!isExpired(taken, now)) await link(moved, path).catch(() => undefined);
    await rm(moved, { force: true });
    if (!isExpired(taken, now)) throw new SlotContended();
  }
  // Written whole, then linked into place: link fails if the slot was taken meanwhile, and a
  // reader never sees a half-written lease.
  const draft = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.draft`;
  await writeFile(draft, body, { mode: 0o600 });
  try {
    await link(draft, path);
    return slot;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SlotContended();
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
}

/** Gives the owner's slot back; nothing to do when it holds none. */
export async function releaseSlot(leaseDir: string, owner: string): Promise<void> {
  const slot = await heldSlot(leaseDir, owner);
  if (slot !== undefined) await rm(join(leaseDir, `${slot}.json`), { force: true });
}

function renamed(from: string, to: string): Promise<boolean> {
  return rename(from, to).then(
    () => true,
    () => false,
  );
}

/** An unreadable lease (a write cut short) counts as expired. */
function isExpired(lease: Lease | undefined, now: Date): boolean {
  if (!lease) return true;
  const time = Date.parse(lease.expires);
  return !Number.isFinite(time) || time < now.getTime();
}

/** The job's builds directory: its project's base plus the slot it holds (leased on first call). */
export async function leaseBuildsDir(context: JobContext, deadlineSeconds: number): Promise<string> {
  const deadline = new Date(Date.now() + deadlineSeconds * 1000);
  return join(context.buildsBase, String(await leaseSlot(context.buildsLeaseDir, context.label, deadline)));
}
