/**
 * The outer Docker engine restarted during a session (a host upgrade, a crash of dockerd): the
 * session's daemon container is stopped by the engine, and teardown must still complete and remove
 * everything but the cache volume, whose data stays usable by the next session.
 *
 * DISRUPTIVE: this restarts the development engine (as test/support/dev-engine.sh starts it), so
 * every other test using the engine at that moment fails. It runs only when asked for, with
 * SECURE_DIND_TEST_ENGINE_RESTART=1 or in CI (REQUIRE_DOCKER=1, where test files run one at a
 * time), and only as root on an engine started by dev-engine.sh.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { launch } from '../../src/session/launch.js';
import { teardown } from '../../src/session/teardown.js';
import type { Session } from '../../src/session/types.js';
import { BUSYBOX_IMAGE, engineReady, hostDocker } from '../support/engine.js';
import {
  cacheVolumes,
  innerDocker,
  loadImage,
  removeCacheVolumes,
  sessionResources,
  uniqueKey,
} from '../support/inner.js';
import { testConfig, testStateDir } from '../support/session.js';

const PID_FILE = '/var/run/docker.pid';
const DOCKERD_LOG = '/var/log/secure-dind-dockerd.log';

const enabled =
  engineReady &&
  (process.env.SECURE_DIND_TEST_ENGINE_RESTART === '1' || process.env.REQUIRE_DOCKER === '1') &&
  process.getuid?.() === 0 &&
  existsSync(PID_FILE);

if (engineReady && !enabled) {
  console.warn(
    'SKIPPING engine-restart test: it restarts the shared engine; run it alone with SECURE_DIND_TEST_ENGINE_RESTART=1 (as root, engine from dev-engine.sh)',
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

async function engineAnswers(): Promise<boolean> {
  return hostDocker(['version', '--format', '{{.Server.Version}}']).then(
    (out) => out.trim() !== '',
    () => false,
  );
}

/** Starts dockerd the way dev-engine.sh does: detached, in its own session, appending to its log. */
function startDockerd(): void {
  if (existsSync(PID_FILE) && !alive(Number(readFileSync(PID_FILE, 'utf8').trim())))
    rmSync(PID_FILE, { force: true });
  const log = openSync(DOCKERD_LOG, 'a');
  try {
    spawn('setsid', ['dockerd'], { detached: true, stdio: ['ignore', log, log] }).unref();
  } finally {
    closeSync(log);
  }
}

/** SIGTERM to dockerd, wait for it to exit, start it again, wait until it answers. */
async function restartEngine(): Promise<void> {
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  expect(alive(pid)).toBe(true);
  process.kill(pid, 'SIGTERM');
  try {
    // dockerd stops its containers first (each with its stop timeout) before it exits.
    await until('dockerd exiting', () => !alive(pid), 120_000);
  } finally {
    if (!(await engineAnswers())) startDockerd();
  }
  await until('the restarted engine answering', engineAnswers, 90_000);
}

describe.runIf(enabled)('the outer engine restarted during a session', () => {
  const stateDir = testStateDir();
  const cacheKey = uniqueKey('engine-restart');

  afterAll(async () => {
    // Never leave the engine down, whatever happened above.
    if (!(await engineAnswers())) {
      startDockerd();
      await until('the engine answering', engineAnswers, 90_000).catch(() => undefined);
    }
    await removeCacheVolumes(cacheKey);
    rmSync(stateDir, { recursive: true, force: true });
  }, 180_000);

  it('teardown completes after the restart, and the next session on the key finds its cache', async () => {
    const session = await launch(testConfig({ 'cache-key': cacheKey }), {}, { stateDir });
    let next: Session | undefined;
    try {
      await loadImage(session.env, BUSYBOX_IMAGE);
      await restartEngine();

      // The engine stopped the daemon container; its network and the container remain until teardown.
      const [inspect] = JSON.parse(await hostDocker(['inspect', session.containerId]));
      expect(inspect.State.Running).toBe(false);

      const report = await teardown(session, { stateDir });
      expect(report.warnings).toEqual([]);
      expect(report.removed).toEqual(
        expect.arrayContaining([
          `container ${session.containerName}`,
          `network ${session.networkName}`,
          `certs ${session.certDir}`,
        ]),
      );
      expect(report.kept).toEqual([`volume ${session.cacheVolume}`]);
      expect(await sessionResources(session.id)).toEqual([]);
      expect(existsSync(session.certDir)).toBe(false);
      expect(await cacheVolumes(cacheKey)).toEqual([session.cacheVolume]);

      next = await launch(testConfig({ 'cache-key': cacheKey }), {}, { stateDir });
      expect(next.cacheSlot).toBe(0);
      expect(next.cacheHit).toBe(true);
      const images = await innerDocker(next.env, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
      expect(images).toContain(BUSYBOX_IMAGE);
    } finally {
      await teardown(session, { stateDir });
      if (next) {
        expect((await teardown(next, { stateDir })).warnings).toEqual([]);
        expect(await sessionResources(next.id)).toEqual([]);
      }
    }
  }, 420_000);
});
