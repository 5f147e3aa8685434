/**
 * The generation store's file work, done through the engine: a short-lived helper container (the
 * session's image, under runc, no network, no capabilities but those a faithful copy needs) that
 * sees only the session's own scope (read-write) and its fallback scopes (read-only). The store is
 * a directory on the engine's host; cloning needs a filesystem that shares blocks (XFS, btrfs).
 */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SystemError } from '../core/errors.js';
import {
  CHECKOUT_SCRIPT,
  COMMIT_SCRIPT,
  type CacheScope,
  type CheckoutResult,
  DISCARD_SCRIPT,
  EVICT_SCRIPT,
  OWN_SCOPE_MOUNT,
  generationName,
  parseCheckoutOutput,
  parseCommitOutput,
  readScopeMount,
  scopeDirectory,
  workDirectoryName,
} from '../core/generations.js';
import { cacheKeyDigest, resourceLabels } from '../core/names.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { EnginePort, Logger } from '../ports.js';

/** Where a session's generations live: recorded with the session, so teardown can commit or discard. */
export interface GenerationPlace {
  readonly store: string;
  readonly cacheKey: string;
  readonly scope: CacheScope;
  /** The image the helper runs (the session's). */
  readonly image: string;
}

/** Capabilities a copy that keeps owners, modes and device nodes (overlay whiteouts) needs. */
const HELPER_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'MKNOD'];
/** A helper that has not finished by then is stuck (the work is metadata only on a cloning store). */
const HELPER_DEADLINE_MS = 30 * 60_000;

async function runHelper(
  engine: EnginePort,
  place: GenerationPlace,
  sessionId: string,
  script: string,
  args: readonly string[],
  readScopes: readonly string[] = [],
): Promise<string> {
  const now = new Date();
  const binds = [
    `${scopeDirectory(place.store, place.cacheKey, place.scope.write)}:${OWN_SCOPE_MOUNT}`,
    ...readScopes.map(
      (scope, index) => `${scopeDirectory(place.store, place.cacheKey, scope)}:${readScopeMount(index)}:ro`,
    ),
  ];
  const { statusCode, output } = await engine.runToCompletion(
    `secure-dind-store-${sessionId}-${Date.now()}`,
    {
      Image: place.image,
      Entrypoint: ['sh', '-c', script, 'sh'],
      Cmd: [...args],
      User: '0:0',
      Labels: resourceLabels({
        sessionId,
        role: 'helper',
        createdAt: now,
        deadline: new Date(now.getTime() + HELPER_DEADLINE_MS),
      }),
      HostConfig: {
        // The session runtime would map root away from the owners the copy must keep.
        Runtime: 'runc',
        NetworkMode: 'none',
        CapDrop: ['ALL'],
        CapAdd: HELPER_CAPABILITIES,
        SecurityOpt: ['no-new-privileges'],
        ReadonlyRootfs: true,
        Binds: binds,
      },
    },
  );
  if (statusCode !== 0) {
    throw new SystemError(
      `the cache store helper failed (exit ${statusCode}): ${output.trim().slice(-500)}`,
      {
        hint: `Check that ${place.store} is writable on the engine's host and that the image ${place.image} has sh, cp and flock.`,
      },
    );
  }
  return output;
}

export type Checkout =
  | { readonly mode: 'generations'; readonly workDir: string; readonly fromScope: string | undefined }
  | { readonly mode: 'slots'; readonly reason: string };

/** Clones the first latest generation of the session's read scopes into its own copy. */
export async function checkoutGeneration(
  engine: EnginePort,
  place: GenerationPlace,
  sessionId: string,
): Promise<Checkout> {
  const fallbacks = place.scope.read.filter((scope) => scope !== place.scope.write);
  const mounts = [OWN_SCOPE_MOUNT, ...fallbacks.map((_, index) => readScopeMount(index))];
  const output = await runHelper(
    engine,
    place,
    sessionId,
    CHECKOUT_SCRIPT,
    [sessionId, ...mounts],
    fallbacks,
  );
  const result: CheckoutResult | undefined = parseCheckoutOutput(output);
  if (!result)
    throw new SystemError(`the cache store helper answered unexpectedly: ${output.trim().slice(-300)}`);
  if (result.mode === 'slots') return result;
  const fromIndex = result.fromMount === undefined ? -1 : mounts.indexOf(result.fromMount);
  return {
    mode: 'generations',
    workDir: `${scopeDirectory(place.store, place.cacheKey, place.scope.write)}/${workDirectoryName(sessionId)}`,
    fromScope: fromIndex === 0 ? place.scope.write : fromIndex > 0 ? fallbacks[fromIndex - 1] : undefined,
  };
}

/** The session's copy becomes its write scope's latest generation; returns its size in bytes. */
export async function commitGeneration(
  engine: EnginePort,
  place: GenerationPlace,
  sessionId: string,
  now: Date,
): Promise<number | undefined> {
  const output = await runHelper(engine, place, sessionId, COMMIT_SCRIPT, [
    sessionId,
    generationName(sessionId, now),
  ]);
  return parseCommitOutput(output);
}

export async function discardGeneration(
  engine: EnginePort,
  place: GenerationPlace,
  sessionId: string,
): Promise<void> {
  await runHelper(engine, place, sessionId, DISCARD_SCRIPT, [sessionId]);
}

/** Host-side records of each scope's latest generation: its size and last use order the host budget. */
export interface GenerationRecord {
  readonly store: string;
  readonly cacheKey: string;
  readonly scope: string;
  readonly image: string;
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
    image: place.image,
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
  engine: EnginePort,
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
    const place = {
      store: record.store,
      cacheKey: record.cacheKey,
      image: record.image,
      scope: { write: record.scope, read: [] },
    };
    try {
      await runHelper(engine, place, 'evict', EVICT_SCRIPT, []);
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
