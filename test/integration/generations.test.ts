/**
 * Cache generations on real copy-on-write filesystems (XFS and btrfs on loop devices made here),
 * and the slot fallback on ext4, as a job sees them: which images the next job's daemon starts with.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CacheScope, cacheScope, scopeDirectory } from '../../src/core/generations.js';
import { DEFAULT_ENGINE_HOST } from '../../src/ports.js';
import { connectHostEngine } from '../../src/session/engine.js';
import { launch } from '../../src/session/launch.js';
import { reapOrphans } from '../../src/session/reaper.js';
import { teardown } from '../../src/session/teardown.js';
import type { CacheOutcome, Session } from '../../src/session/types.js';
import { BUSYBOX_IMAGE, engineReady, hostDocker } from '../support/engine.js';
import { cacheVolumes, innerDocker, loadImage, uniqueKey } from '../support/inner.js';
import { type LoopFs, type LoopFsKind, mountLoopFs } from '../support/loop-fs.js';
import { testConfig, testStateDir } from '../support/session.js';

const execFileAsync = promisify(execFile);

const MAIN = cacheScope('refs/heads/main');
const FEATURE = cacheScope('refs/heads/feature', ['refs/heads/main']);

/** The tags a job finds in its daemon (the markers earlier jobs left). */
async function markers(session: Session): Promise<string[]> {
  const out = await innerDocker(session.env, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
  return out
    .split('\n')
    .filter((line) => line.startsWith('marker:'))
    .sort();
}

async function leaveMarker(session: Session, tag: string): Promise<void> {
  const images = await innerDocker(session.env, ['image', 'ls', '-q', BUSYBOX_IMAGE]);
  if (images.trim() === '') await loadImage(session.env, BUSYBOX_IMAGE);
  await innerDocker(session.env, ['tag', BUSYBOX_IMAGE, `marker:${tag}`]);
}

/**
 * An image whose second layer replaces a directory: overlayfs marks it opaque with a trusted.*
 * attribute, which a clone must keep, or the removed file shows through again.
 */
async function buildReplacedDirectoryImage(session: Session): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), 'sd-test-build-'));
  await writeFile(
    join(context, 'Dockerfile'),
    `FROM ${BUSYBOX_IMAGE}\nRUN mkdir -p /data && touch /data/old\nRUN rm -rf /data && mkdir /data && touch /data/new\n`,
  );
  await innerDocker(session.env, ['build', '-q', '-t', 'replaced:dir', context], 300_000, {
    DOCKER_BUILDKIT: '0',
  });
}

/** The filesystem type in an image file, as blkid reads it. */
async function filesystemIn(image: string): Promise<string> {
  return (await execFileAsync('blkid', ['-p', '-o', 'value', '-s', 'TYPE', image])).stdout.trim();
}

/** Loop devices whose backing file lies under `dir` (a session's image still attached). */
async function loopDevicesOver(dir: string): Promise<string[]> {
  const { stdout } = await execFileAsync('losetup', ['-l', '-n', '-O', 'NAME,BACK-FILE']);
  return stdout
    .split('\n')
    .filter((line) => line.includes(`${dir}/`))
    .map((line) => line.trim());
}

describe.runIf(engineReady).each<LoopFsKind>(['xfs', 'btrfs'])('cache generations on %s', (kind) => {
  let store: LoopFs;
  const stateDir = testStateDir();
  const cacheKey = uniqueKey(`gen-${kind}`);
  const config = () => testConfig({ 'cache-key': cacheKey, 'cache-store': store.dir });
  // Sessions a failed assertion left running are torn down after the tests.
  const running = new Set<Session>();
  const start = async (scope: CacheScope) => {
    const session = await launch(config(), { cacheScope: scope }, { stateDir });
    running.add(session);
    return session;
  };
  const end = (session: Session, outcome: CacheOutcome) => {
    running.delete(session);
    return teardown(session, { stateDir, cacheOutcome: outcome });
  };
  const scopeEntries = async (scope: string) =>
    (await readdir(scopeDirectory(store.dir, cacheKey, scope))).sort();

  beforeAll(async () => {
    store = await mountLoopFs(tmpdir(), kind, 2048);
  });
  afterAll(async () => {
    for (const session of running) await end(session, 'discard');
    for (const volume of await cacheVolumes(cacheKey)) await hostDocker(['volume', 'rm', '-f', volume]);
    await store?.release();
  });

  it('a success commits, a failure leaves the next start unchanged, a branch cannot change main', async () => {
    const first = await start(MAIN);
    expect(first.cacheMode).toBe('generations');
    expect(first.cacheHit).toBe(false);
    expect(first.cacheFrom).toBeUndefined();
    await leaveMarker(first, 'one');
    await buildReplacedDirectoryImage(first);
    expect((await innerDocker(first.env, ['run', '--rm', 'replaced:dir', 'ls', '/data'])).trim()).toBe('new');
    const firstEnd = await end(first, 'commit');
    expect(firstEnd.warnings).toEqual([]);
    expect(firstEnd.cache).toMatch(/^committed/);

    const failed = await start(MAIN);
    expect(failed.cacheFrom).toBe('refs/heads/main');
    expect(failed.cacheHit).toBe(true);
    expect(await markers(failed)).toEqual(['marker:one']);
    // The clone kept overlayfs's opaque directory: the file the build removed stays removed.
    expect((await innerDocker(failed.env, ['run', '--rm', 'replaced:dir', 'ls', '/data'])).trim()).toBe(
      'new',
    );
    await leaveMarker(failed, 'failed');
    expect((await end(failed, 'discard')).cache).toMatch(/^discarded/);

    const branch = await start(FEATURE);
    expect(branch.cacheFrom).toBe('refs/heads/main');
    expect(await markers(branch)).toEqual(['marker:one']);
    await leaveMarker(branch, 'feature');
    await end(branch, 'commit');

    const mainAgain = await start(MAIN);
    expect(await markers(mainAgain)).toEqual(['marker:one']);
    await end(mainAgain, 'discard');

    const branchAgain = await start(FEATURE);
    expect(branchAgain.cacheFrom).toBe('refs/heads/feature');
    expect(await markers(branchAgain)).toEqual(['marker:feature', 'marker:one']);
    await end(branchAgain, 'discard');

    // No session's copy is still mounted.
    expect(await loopDevicesOver(store.dir)).toEqual([]);
    // One committed generation per scope, and no session's copy left behind.
    for (const scope of ['refs/heads/main', 'refs/heads/feature']) {
      const entries = await scopeEntries(scope);
      // On btrfs generations are subvolumes (inode 256 at their root): clones are snapshots. On
      // XFS a generation is one ext4 image file: a clone is a reflink copy of that one file.
      const latest = await realpath(join(scopeDirectory(store.dir, cacheKey, scope), 'latest'));
      if (kind === 'btrfs') expect((await stat(latest)).ino).toBe(256);
      else expect(await filesystemIn(latest)).toBe('ext4');
      expect(entries.filter((e) => e.startsWith('gen-'))).toHaveLength(1);
      expect(entries.filter((e) => e.startsWith('work-') || e.startsWith('.'))).toEqual([]);
      expect(entries).toContain('latest');
    }
  });

  it('two concurrent jobs of one scope both start from the latest generation and both finish', async () => {
    const [a, b] = await Promise.all([start(MAIN), start(MAIN)]);
    expect(a.cacheFrom).toBe('refs/heads/main');
    expect(b.cacheFrom).toBe('refs/heads/main');
    expect(await markers(a)).toEqual(['marker:one']);
    expect(await markers(b)).toEqual(['marker:one']);
    await Promise.all([leaveMarker(a, 'a'), leaveMarker(b, 'b')]);
    const reports = await Promise.all([end(a, 'commit'), end(b, 'commit')]);
    for (const report of reports) {
      expect(report.warnings).toEqual([]);
      expect(report.cache).toMatch(/^committed/);
    }
    // Last write wins: the next job starts from exactly one of the two.
    const next = await start(MAIN);
    const found = await markers(next);
    expect([
      ['marker:a', 'marker:one'],
      ['marker:b', 'marker:one'],
    ]).toContainEqual(found);
    await end(next, 'discard');
  });

  it('a daemon killed mid-job leaves no half-written generation as latest', async () => {
    const before = await start(MAIN);
    const startedWith = await markers(before);
    await end(before, 'discard');

    const killed = await start(MAIN);
    await leaveMarker(killed, 'killed');
    await hostDocker(['kill', killed.containerName]);
    // Even asked to commit, teardown discards a copy whose daemon did not stop cleanly.
    const report = await end(killed, 'commit');
    expect(report.cache).toMatch(/^discarded/);

    const after = await start(MAIN);
    expect(await markers(after)).toEqual(startedWith);
    await end(after, 'discard');
    expect((await scopeEntries('refs/heads/main')).filter((e) => e.startsWith('work-'))).toEqual([]);
    expect(await loopDevicesOver(store.dir)).toEqual([]);
  });

  it('a session whose launcher died is reaped past its deadline: its clone is discarded, never committed', async () => {
    const before = await start(MAIN);
    const startedWith = await markers(before);
    await end(before, 'discard');

    // Launched with a clock an hour behind and a 60 s deadline: already an orphan, as a crashed
    // runner's session is once its deadline passes.
    const orphan = await launch(
      testConfig({ 'cache-key': cacheKey, 'cache-store': store.dir, deadline: '60s' }),
      { cacheScope: MAIN },
      { stateDir, now: () => new Date(Date.now() - 3600_000) },
    );
    await leaveMarker(orphan, 'orphan');
    // Nobody tears it down; a later launch's reaping, or gc, finds it by label.
    const engine = connectHostEngine(DEFAULT_ENGINE_HOST);
    try {
      const reaped = await reapOrphans(engine, new Date(), testStateDir());
      expect(reaped.removed).toContain(`container ${orphan.containerName}`);
    } finally {
      engine.close();
    }
    expect((await scopeEntries('refs/heads/main')).filter((e) => e.startsWith('work-'))).toEqual([]);
    expect(await loopDevicesOver(store.dir)).toEqual([]);

    const after = await start(MAIN);
    expect(await markers(after)).toEqual(startedWith);
    await end(after, 'discard');
  });
});

describe.runIf(engineReady)('cache generations on ext4', () => {
  let store: LoopFs;
  const stateDir = testStateDir();
  const cacheKey = uniqueKey('gen-ext4');

  beforeAll(async () => {
    store = await mountLoopFs(tmpdir(), 'ext4', 512);
  });
  afterAll(async () => {
    await store?.release();
    for (const volume of (
      await hostDocker(['volume', 'ls', '-q', '--filter', `label=dev.secure-dind.cache-key=${cacheKey}`])
    )
      .split('\n')
      .filter(Boolean))
      await hostDocker(['volume', 'rm', '-f', volume]).catch(() => undefined);
  });

  it('falls back to cache slots and says why', async () => {
    const config = testConfig({ 'cache-key': cacheKey, 'cache-store': store.dir });
    const session = await launch(config, { cacheScope: MAIN }, { stateDir });
    expect(session.cacheMode).toBe('slots');
    expect(session.cacheSlot).toBe(0);
    expect(session.cacheModeReason).toMatch(/cannot clone files copy-on-write/);
    expect(session.cacheModeReason).toMatch(/ext2\/3\/4/);
    const report = await teardown(session, { stateDir, cacheOutcome: 'commit' });
    expect(report.warnings).toEqual([]);
    expect(report.kept).toEqual([`volume ${session.cacheVolume}`]);
  });
});
