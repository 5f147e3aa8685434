/**
 * The per-volume budget against the real engine: a session's daemon over its cache-max-size keeps
 * the images that fit, most recently used first, for the next session on the same cache key.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTar } from '../../src/core/tar.js';
import { launch } from '../../src/session/launch.js';
import { teardown } from '../../src/session/teardown.js';
import { BUSYBOX_IMAGE, engineReady } from '../support/engine.js';
import { innerDocker, loadImage, removeCacheVolumes, uniqueKey } from '../support/inner.js';
import { testConfig, testStateDir } from '../support/session.js';

const MiB = 1024 ** 2;
const BIG_IMAGE = 'sd-trim/big:1';
const SMALL_IMAGE = 'sd-trim/small:1';

describe.runIf(engineReady)('per-volume cache budget', () => {
  const cacheKey = uniqueKey('trim');
  const stateDir = testStateDir();
  const scratch = mkdtempSync(join(tmpdir(), 'sd-test-trim-'));
  afterAll(async () => {
    await removeCacheVolumes(cacheKey);
    rmSync(scratch, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('trims images least recently used first and keeps the recent one that fits', async () => {
    // Busybox (about 2 MB) fits the budget (64 MiB, the least allowed); the 80 MiB image does not.
    const config = testConfig({ 'cache-key': cacheKey, 'cache-max-size': '64MiB' });
    const first = await launch(config, {}, { stateDir });
    try {
      // An image a job made (random bytes: no layer to share), then busybox, made hours ago but
      // tagged by a later job: its tag is the more recent use.
      const rootfs = join(scratch, 'rootfs.tar');
      writeFileSync(rootfs, makeTar([{ path: 'data', content: randomBytes(80 * MiB), mode: 0o644 }]));
      await innerDocker(first.env, ['import', rootfs, BIG_IMAGE]);
      await loadImage(first.env, BUSYBOX_IMAGE);
      await innerDocker(first.env, ['tag', BUSYBOX_IMAGE, SMALL_IMAGE]);
      expect(await imageTags(first.env)).toEqual([BUSYBOX_IMAGE, BIG_IMAGE, SMALL_IMAGE].sort());
    } finally {
      const report = await teardown(first, { stateDir });
      expect(report.warnings).toEqual([]);
    }

    const next = await launch(config, {}, { stateDir });
    try {
      expect(next.cacheVolume).toBe(first.cacheVolume);
      expect(next.cacheHit).toBe(true);
      expect(await imageTags(next.env)).toEqual([BUSYBOX_IMAGE, SMALL_IMAGE].sort());
      const ran = await innerDocker(next.env, ['run', '--rm', SMALL_IMAGE, 'echo', 'kept']);
      expect(ran.trim()).toBe('kept');
    } finally {
      await teardown(next, { stateDir });
    }
  });
});

/** The repository:tag names the session's daemon lists, sorted. */
async function imageTags(env: Parameters<typeof innerDocker>[0]): Promise<string[]> {
  const out = await innerDocker(env, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
  return out.split('\n').filter(Boolean).sort();
}
