/**
 * The generation store's file work, done on the engine's host by root: a faithful copy of a
 * daemon's /var/lib/docker keeps every owner and overlayfs's trusted.* attributes, which only root
 * there can read and write. Elsewhere (another user, a remote engine, a runner in a container)
 * sessions use cache slots, and say why. Cloning needs a filesystem that shares blocks (XFS, btrfs).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SystemError } from '../core/errors.js';
import {
  CHECKOUT_SCRIPT,
  COMMIT_SCRIPT,
  type CacheScope,
  DISCARD_SCRIPT,
  EVICT_SCRIPT,
  generationName,
  parseCheckoutOutput,
  parseCommitOutput,
  scopeDirectory,
  workDirectoryName,
} from '../core/generations.js';
import { cacheKeyDigest } from '../core/names.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { Logger } from '../ports.js';

const execFileAsync = promisify(execFile);

/** Where a session's generations live: recorded with the session, so teardown can commit or discard. */
export interface GenerationPlace {
  readonly store: string;
  readonly cacheKey: string;
  readonly scope: CacheScope;
}

/** Where dockerd writes its process id by default. */
const ENGINE_PID_FILE = '/var/run/docker.pid';

/**
 * Why this process cannot do the store's file work (undefined: it can). The store is a path on the
 * engine's host, so this process must be root in the engine's own mount namespace (a runner in a
 * container, even with the engine's socket, sees other paths).
 */
export async function storeUnreachable(engineHost: string | undefined): Promise<string | undefined> {
  if (process.getuid?.() !== 0)
    return 'generations need secure-dind to run as root on the engine host (a faithful copy keeps every owner and overlay attribute)';
  if (engineHost !== undefined && !engineHost.startsWith('unix://'))
    return `generations need the engine on this host (engine-host is ${engineHost})`;
  try {
    const pid = (await readFile(ENGINE_PID_FILE, 'utf8')).trim();
    const [engine, own] = await Promise.all([readlink(`/proc/${pid}/ns/mnt`), readlink('/proc/self/ns/mnt')]);
    if (engine === own) return undefined;
  } catch {
    // no engine process to compare with: not the engine's host
  }
  return `generations need secure-dind to run beside the engine, in its mount namespace (checked through ${ENGINE_PID_FILE})`;
}

async function runStoreScript(script: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('sh', ['-c', script, 'sh', ...args], {
      maxBuffer: 1024 * 1024,
      timeout: 30 * 60_000,
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().slice(-500) ?? '';
    throw new SystemError(`the cache store's file work failed: ${stderr || (error as Error).message}`, {
      cause: error,
      hint: 'Check that the cache store is writable and has room (secure-dind ls lists its generations).',
    });
  }
}

const dirOf = (place: GenerationPlace, scope: string) => scopeDirectory(place.store, place.cacheKey, scope);

export type Checkout =
  | { readonly mode: 'generations'; readonly workDir: string; readonly fromScope: string | undefined }
  | { readonly mode: 'slots'; readonly reason: string };

/** Clones the first latest generation of the session's read scopes into its own copy. */
export async function checkoutGeneration(place: GenerationPlace, sessionId: string): Promise<Checkout> {
  const scopes = [place.scope.write, ...place.scope.read.filter((scope) => scope !== place.scope.write)];
  const dirs = scopes.map((scope) => dirOf(place, scope));
  const output = await runStoreScript(CHECKOUT_SCRIPT, [sessionId, ...dirs]);
  const result = parseCheckoutOutput(output);
  if (!result)
    throw new SystemError(`the cache store's checkout answered unexpectedly: ${output.trim().slice(-300)}`);
  if (result.mode === 'slots') return result;
  const fromIndex = result.fromDirectory === undefined ? -1 : dirs.indexOf(result.fromDirectory);
  return {
    mode: 'generations',
    workDir: `${dirOf(place, place.scope.write)}/${workDirectoryName(sessionId)}`,
    fromScope: scopes[fromIndex],
  };
}

/** The session's copy becomes its write scope's latest generation; returns its size in bytes. */
export async function commitGeneration(
  place: GenerationPlace,
  sessionId: string,
  now: Date,
): Promise<number | undefined> {
  const output = await runStoreScript(COMMIT_SCRIPT, [
    sessionId,
    generationName(sessionId, now),
    dirOf(place, place.scope.write),
  ]);
  return parseCommitOutput(output);
}

export async function discardGeneration(place: GenerationPlace, sessionId: string): Promise<void> {
  await runStoreScript(DISCARD_SCRIPT, [sessionId, dirOf(place, place.scope.write)]);
}

/** Host-side records of each scope's latest generation: its size and last use order the host budget. */
export interface GenerationRecord {
  readonly store: string;
  readonly cacheKey: string;
  readonly scope: string;
  readonly bytes: number;
  /** Epoch milliseconds of the last commit to, or checkout from, the scope. */
  readonly lastUsed: number;
}

function recordFile(stateDir: string, store: string, cacheKey: string, scope: string): string {
  const name = `${cacheKeyDigest(`${store}\u0000${cacheKey}`)}-${cacheKeyDigest(scope)}.json`;
  return join(stateDir, 'generations', name);
}

export async function listGenerationRecords(stateDir: string): Promise<GenerationRecord[]> {
  const dir = join(stateDir, 'generations');
  const names = await readdir(dir).catch(() => [] as string[]);
  const records = await Promise.all(
    names
      .filter((name) => name.endsWith('.json'))
      .map(async (name) => {
        try {
          return JSON.parse(await readFile(join(dir, name), 'utf8')) as GenerationRecord;
        } catch {
          return undefined;
        }
      }),
  );
  return records.filter((record): record is GenerationRecord => record !== undefined);
}

/** Records a use of a scope (a commit gives its new size; a checkout keeps the known one). */
export async function noteGenerationUse(
  stateDir: string,
  place: GenerationPlace,
  scope: string,
  usedAt: Date,
  bytes?: number,
): Promise<void> {
  const file = recordFile(stateDir, place.store, place.cacheKey, scope);
  const known = bytes ?? (await readRecord(file))?.bytes;
  if (known === undefined) return; // nothing committed there that this host knows of
  await mkdir(join(stateDir, 'generations'), { recursive: true, mode: 0o700 });
  const record: GenerationRecord = {
    store: place.store,
    cacheKey: place.cacheKey,
    scope,
    bytes: known,
    lastUsed: usedAt.getTime(),
  };
  await writeFileAtomic(file, JSON.stringify(record));
}

async function readRecord(file: string): Promise<GenerationRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as GenerationRecord;
  } catch {
    return undefined;
  }
}

/**
 * Removes least recently used scopes' generations until the recorded total fits the budget. Sizes
 * count each generation whole (blocks it shares with another are counted twice), so the budget
 * errs towards free space. `keep` (the scope just committed) is never evicted.
 */
export async function enforceGenerationBudget(
  stateDir: string,
  budget: number,
  keep: { readonly store: string; readonly cacheKey: string; readonly scope: string },
  log?: Logger,
): Promise<string[]> {
  const records = (await listGenerationRecords(stateDir)).sort((a, b) => a.lastUsed - b.lastUsed);
  let total = records.reduce((sum, record) => sum + record.bytes, 0);
  const evicted: string[] = [];
  for (const record of records) {
    if (total <= budget) break;
    if (record.store === keep.store && record.cacheKey === keep.cacheKey && record.scope === keep.scope)
      continue;
    try {
      await runStoreScript(EVICT_SCRIPT, [scopeDirectory(record.store, record.cacheKey, record.scope)]);
      await rm(recordFile(stateDir, record.store, record.cacheKey, record.scope), { force: true });
      total -= record.bytes;
      evicted.push(`generation ${record.cacheKey} @ ${record.scope}`);
      log?.info(
        `cache budget: removed the least recently used generation of ${record.cacheKey} @ ${record.scope}`,
      );
    } catch (error) {
      log?.debug(`cache budget: kept ${record.cacheKey} @ ${record.scope}: ${String(error)}`);
    }
  }
  return evicted;
}

/** How long a store found unable to clone is believed so before it is probed again. */
const STORE_PROBE_TTL_MS = 60 * 60_000;

interface StoreProbe {
  readonly store: string;
  readonly reason: string;
  readonly checkedAt: number;
}

function probeFile(stateDir: string, store: string): string {
  return join(stateDir, 'generations', `store-${cacheKeyDigest(store)}.probe`);
}

/**
 * Why the store cannot clone, when a probe found so within the hour: such a store costs launches
 * no helper run at all. Undefined: clone (or probe again).
 */
export async function knownUnclonable(
  stateDir: string,
  store: string,
  now: Date,
): Promise<string | undefined> {
  try {
    const probe = JSON.parse(await readFile(probeFile(stateDir, store), 'utf8')) as StoreProbe;
    return probe.store === store && now.getTime() - probe.checkedAt < STORE_PROBE_TTL_MS
      ? probe.reason
      : undefined;
  } catch {
    return undefined;
  }
}

export async function noteUnclonable(
  stateDir: string,
  store: string,
  reason: string,
  now: Date,
): Promise<void> {
  await mkdir(join(stateDir, 'generations'), { recursive: true, mode: 0o700 });
  const probe: StoreProbe = { store, reason, checkedAt: now.getTime() };
  await writeFileAtomic(probeFile(stateDir, store), JSON.stringify(probe));
}
