/**
 * Faults, against the real engine: a daemon that dies or never answers, a CLI interrupted during
 * launch, a crashed session (orphan reaping and stale cache leases), the host-wide cache budget and
 * four concurrent sessions on one key. Every case checks the error where one is due, that nothing
 * labelled with the session is left (only cache volumes survive), and that the cache key still
 * works afterwards.
 *
 * Shared engine: other tests run on it at the same time. Orphan reaping is host-wide, so these tests
 * give their crashed sessions a 60 s deadline and move the reaping launch's clock only to that
 * deadline plus a minute: a session of someone else is reaped by it only if its own deadline falls
 * within the next ~2 minutes, which a real launch would do anyway soon after. The host-wide cache
 * budget is exercised through an engine view restricted to this file's cache key, so no one else's
 * volume can ever be chosen.
 */
import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecureDindError } from '../../src/core/errors.js';
import { selectEvictions } from '../../src/core/lease.js';
import { LABELS, cacheVolumeLabels, cacheVolumeName } from '../../src/core/names.js';
import { DockerEngine } from '../../src/engine/docker.js';
import { DEFAULT_ENGINE_HOST } from '../../src/ports.js';
import {
  cacheVolumeLastUsed,
  enforceHostBudget,
  listCacheVolumes,
  touchCacheVolume,
} from '../../src/session/cache.js';
import { launch } from '../../src/session/launch.js';
import { teardown } from '../../src/session/teardown.js';
import type { Session } from '../../src/session/types.js';
import { BUSYBOX_IMAGE, RUNNER_IMAGE, TEST_RUNTIME, engineReady, hostDocker } from '../support/engine.js';
import {
  cacheVolumes,
  innerDocker,
  loadImage,
  removeCacheVolumes,
  sessionResources,
  uniqueKey,
} from '../support/inner.js';
import { testConfig, testStateDir } from '../support/session.js';

const execFileAsync = promisify(execFile);
type Piped = ChildProcessByStdio<null, Readable, Readable>;
const CLI = join(import.meta.dirname, '../../dist/cli.js');

/** Test-only DinD images: one whose "daemon" logs a line and exits, one that never serves TLS. */
const EXITS_IMAGE = 'secure-dind/test-exits:dev';
const NEVER_READY_IMAGE = 'secure-dind/test-never-ready:dev';

async function buildImage(tag: string, dockerfile: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sd-faults-image-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    await hostDocker(['build', '-q', '-t', tag, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ids of secure-dind sessions that have a container or network on the host engine now. */
async function liveSessionIds(): Promise<Set<string>> {
  const filter = 'label=dev.secure-dind.owner=secure-dind';
  const format = '{{.Label "dev.secure-dind.session"}}';
  // A spare network (made for a session id no launch has taken yet) is no session.
  const [containers, networks] = await Promise.all([
    hostDocker(['ps', '-a', '--filter', filter, '--format', format]),
    hostDocker([
      'network',
      'ls',
      '--filter',
      filter,
      '--format',
      `${format} {{.Label "dev.secure-dind.pool"}}`,
    ]),
  ]);
  const sessionNetworks = networks
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([, pool]) => pool === '')
    .map(([session]) => session ?? '');
  return new Set([...containers.split('\n'), ...sessionNetworks].filter(Boolean));
}

/** Labels of the daemon container of a cache key (the first one found), or undefined. */
async function daemonLabels(cacheKey: string): Promise<Record<string, string> | undefined> {
  const ids = (await hostDocker(['ps', '-a', '-q', '--filter', `label=${LABELS.cacheKey}=${cacheKey}`]))
    .split('\n')
    .filter(Boolean);
  if (ids.length === 0) return undefined;
  const [inspect] = JSON.parse(await hostDocker(['inspect', ids[0]!])) as {
    Config: { Labels: Record<string, string> };
  }[];
  return inspect!.Config.Labels;
}

/** Resolves with the first line of the stream that matches, rejects when the process ends first. */
function waitForLine(child: Piped, stream: 'stdout' | 'stderr', pattern: RegExp) {
  return new Promise<RegExpMatchArray>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = buffer.match(pattern);
      if (match) {
        child[stream].off('data', onData);
        resolve(match);
      }
    };
    child[stream].on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`process ended (${code ?? signal}) before ${pattern}`)),
    );
  });
}

function collect(child: Piped) {
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { out, exit };
}

describe.runIf(engineReady)('faults', () => {
  const stateDir = testStateDir();
  const keys: string[] = [];
  const key = (name: string) => {
    const k = uniqueKey(`faults-${name}`);
    keys.push(k);
    return k;
  };
  const cliEnv = () => ({
    ...process.env,
    SECURE_DIND_STATE_DIR: stateDir,
    SECURE_DIND_IMAGE: RUNNER_IMAGE,
    SECURE_DIND_RUNTIME: TEST_RUNTIME,
  });

  beforeAll(async () => {
    await buildImage(
      EXITS_IMAGE,
      `FROM ${BUSYBOX_IMAGE}\nCMD ["sh", "-c", "echo 'fake dockerd: cannot start: simulated failure' >&2; exit 3"]\n`,
    );
    await buildImage(NEVER_READY_IMAGE, `FROM ${BUSYBOX_IMAGE}\nCMD ["sleep", "600"]\n`);
  });

  afterAll(async () => {
    // Anything a failed assertion left: containers and networks of this file's keys first.
    for (const k of keys) {
      const ids = (await hostDocker(['ps', '-a', '-q', '--filter', `label=${LABELS.cacheKey}=${k}`])).split(
        '\n',
      );
      for (const id of ids.filter(Boolean)) await hostDocker(['rm', '-f', id]).catch(() => undefined);
      await removeCacheVolumes(k);
    }
    for (const image of [EXITS_IMAGE, NEVER_READY_IMAGE]) {
      await hostDocker(['image', 'rm', image]).catch(() => undefined);
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** Launch that must fail: returns the error and the session id seen through onState. */
  async function failedLaunch(raw: Parameters<typeof testConfig>[0]) {
    const ids = new Set<string>();
    const error = await launch(
      testConfig(raw),
      { onState: (s) => void ids.add(s.sessionId) },
      { stateDir },
    ).then(
      (session) => {
        throw new Error(`launch unexpectedly succeeded (session ${session.id})`);
      },
      (e: unknown) => e,
    );
    expect(ids.size).toBe(1);
    return { error: error as Error, sessionId: [...ids][0]! };
  }

  /** A later session with the same key starts on the runner image and answers; then it is ended. */
  async function keyStillWorks(cacheKey: string, expectWarm?: boolean): Promise<Session> {
    const session = await launch(testConfig({ 'cache-key': cacheKey }), {}, { stateDir });
    try {
      const version = await innerDocker(session.env, ['version', '--format', '{{.Server.Version}}']);
      expect(version.trim()).not.toBe('');
      if (expectWarm !== undefined) expect(session.cacheHit).toBe(expectWarm);
      return session;
    } finally {
      const report = await teardown(session, { stateDir });
      expect(report.warnings).toEqual([]);
      expect(await sessionResources(session.id)).toEqual([]);
    }
  }

  it('reports a daemon that exits at once, with its last log lines, and leaves only the cache volume', async () => {
    const cacheKey = key('exits');
    const { error, sessionId } = await failedLaunch({ 'cache-key': cacheKey, image: EXITS_IMAGE });
    expect(error).toBeInstanceOf(SecureDindError);
    expect((error as SecureDindError).kind).toBe('system');
    expect(error.message).toMatch(
      /the DinD container secure-dind-[0-9a-f]{12}-0 stopped during startup \(exit code 3\)/,
    );
    expect(error.message).toMatch(/last log lines:\n.*fake dockerd: cannot start: simulated failure/);
    expect(await sessionResources(sessionId)).toEqual([]);
    expect(await cacheVolumes(cacheKey)).toEqual([cacheVolumeName(cacheKey, 0)]);
    await keyStillWorks(cacheKey);
  });

  it('reports the plain busybox image as a DinD image (its shell exits at once, silently)', async () => {
    const cacheKey = key('busybox');
    const { error, sessionId } = await failedLaunch({ 'cache-key': cacheKey, image: BUSYBOX_IMAGE });
    expect(error.message).toMatch(
      /the DinD container secure-dind-[0-9a-f]{12}-0 stopped during startup \(exit code 0\)/,
    );
    expect(await sessionResources(sessionId)).toEqual([]);
    await keyStillWorks(cacheKey);
  });

  it('times out on a daemon that never answers, naming the timeout, and leaves only the cache volume', async () => {
    const cacheKey = key('never-ready');
    const { error, sessionId } = await failedLaunch({
      'cache-key': cacheKey,
      image: NEVER_READY_IMAGE,
      'startup-timeout': '3s',
    });
    expect((error as SecureDindError).kind).toBe('system');
    expect(error.message).toMatch(
      /the Docker daemon at https:\/\/[\d.]+:2376 did not answer within 3000 ms \(\d+ attempts?\); last error: /,
    );
    expect(await sessionResources(sessionId)).toEqual([]);
    expect(await cacheVolumes(cacheKey)).toEqual([cacheVolumeName(cacheKey, 0)]);
    await keyStillWorks(cacheKey);
  });

  it('SIGTERM to `secure-dind up` while the container starts: exits non-zero and leaves nothing', async () => {
    const cacheKey = key('sigterm');
    const before = await liveSessionIds();
    const child = spawn(
      'node',
      [CLI, 'up', '--json', '--verbose', '--cache-key', cacheKey, '--startup-timeout', '90s'],
      {
        env: cliEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const { out, exit } = collect(child);
    try {
      const [, sessionId] = await waitForLine(child, 'stderr', /session ([0-9a-f]{12}): launching/);
      // Interrupt as the DinD container starts (it takes a second or more to answer over mTLS).
      await waitForLine(child, 'stderr', /debug: engine: start container/);
      child.kill('SIGTERM');
      const { code, signal } = await exit;
      expect(signal).toBeNull();
      expect(code).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr).toMatch(/secure-dind: .*(interrupted by SIGTERM|was cancelled)/);
      expect(await sessionResources(sessionId!)).toEqual([]);
      const after = await liveSessionIds();
      expect(before.has(sessionId!)).toBe(false);
      expect(after.has(sessionId!)).toBe(false);
      // Sessions that appeared meanwhile belong to other tests on the engine: none has this key.
      expect(await daemonLabels(cacheKey)).toBeUndefined();
      expect(existsSync(join(tmpdir(), `secure-dind-${sessionId}`))).toBe(false);
      // Nor a session record for `secure-dind down` to trip over.
      expect(existsSync(join(stateDir, 'sessions', `${sessionId}.json`))).toBe(false);
      await keyStillWorks(cacheKey);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('reaps a crashed (SIGKILLed) session once its deadline has passed, and never a live one', async () => {
    const crashedKey = key('crashed');
    const liveKey = key('live');
    // `secure-dind run` holds its session while the command runs: SIGKILL it and its command.
    const child = spawn(
      'node',
      [
        CLI,
        'run',
        '--cache-key',
        crashedKey,
        '--deadline',
        '60s',
        '--',
        'sh',
        '-c',
        'echo "READY $DOCKER_CERT_PATH"; exec sleep 600',
      ],
      { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const { exit } = collect(child);
    let live: Session | undefined;
    try {
      const [, certDir] = await waitForLine(child, 'stdout', /READY (\S+)/);
      process.kill(-child.pid!, 'SIGKILL');
      expect((await exit).signal).toBe('SIGKILL');

      const labels = (await daemonLabels(crashedKey))!;
      const crashedId = labels[LABELS.session]!;
      const crashedDeadline = Date.parse(labels[LABELS.deadline]!);
      expect(await sessionResources(crashedId)).toHaveLength(2); // container and network, left behind
      expect(existsSync(certDir!)).toBe(true);

      // A live session whose deadline is after the clock the reaping launch will use.
      live = await launch(testConfig({ 'cache-key': liveKey, deadline: '10m' }), {}, { stateDir });
      const movedOn = new Date(crashedDeadline + 60_000);
      expect(movedOn.getTime()).toBeLessThan(Date.parse((await daemonLabels(liveKey))![LABELS.deadline]!));

      // Any launch reaps orphans first: this one runs with the clock a minute past the deadline.
      const reaper = await launch(
        testConfig({ 'cache-key': key('reaper'), cache: 'false' }),
        {},
        {
          stateDir,
          now: () => movedOn,
        },
      );
      try {
        expect(await sessionResources(crashedId)).toEqual([]);
        expect(existsSync(certDir!)).toBe(false);
        // The live session was not touched and still answers.
        expect((await sessionResources(live.id)).sort()).toEqual(
          [`container ${live.containerName}`, `network ${live.networkName}`].sort(),
        );
        expect((await innerDocker(live.env, ['version', '--format', '{{.Server.Version}}'])).trim()).not.toBe(
          '',
        );
      } finally {
        expect((await teardown(reaper, { stateDir })).warnings).toEqual([]);
      }
      // The crashed session's cache volume survived the reaping and takes the next session.
      expect(await cacheVolumes(crashedKey)).toEqual([cacheVolumeName(crashedKey, 0)]);
      await keyStillWorks(crashedKey);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (live) await teardown(live, { stateDir });
    }
  });

  it('a stale lease of a crashed session moves the next launch to slot 1 until the orphan is reaped', async () => {
    const cacheKey = key('stale');
    const crashed = await launch(testConfig({ 'cache-key': cacheKey, deadline: '60s' }), {}, { stateDir });
    let next: Session | undefined;
    let afterDeadline: Session | undefined;
    try {
      expect(crashed.cacheSlot).toBe(0);
      await loadImage(crashed.env, BUSYBOX_IMAGE);
      // The crash: `crashed` is never torn down. Before its deadline its lease holds.
      next = await launch(testConfig({ 'cache-key': cacheKey }), {}, { stateDir });
      expect(next.cacheSlot).toBe(1);
      expect(next.cacheHit).toBe(false);

      const labels = JSON.parse(await hostDocker(['inspect', crashed.containerId]))[0].Config.Labels;
      const deadline = Date.parse(labels[LABELS.deadline]);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 60_000);
      afterDeadline = await launch(
        testConfig({ 'cache-key': cacheKey }),
        {},
        {
          stateDir,
          now: () => new Date(deadline + 60_000),
        },
      );
      expect(afterDeadline.cacheSlot).toBe(0);
      expect(afterDeadline.cacheVolume).toBe(crashed.cacheVolume);
      expect(afterDeadline.cacheHit).toBe(true);
      // Warm: the image loaded by the crashed session survived its (graceful) reaping.
      const images = await innerDocker(afterDeadline.env, [
        'image',
        'ls',
        '--format',
        '{{.Repository}}:{{.Tag}}',
      ]);
      expect(images).toContain(BUSYBOX_IMAGE);
      expect(await sessionResources(crashed.id)).toEqual([]);
      expect(existsSync(crashed.certDir)).toBe(false);
      // The live session on slot 1 was left alone.
      expect((await innerDocker(next.env, ['version', '--format', '{{.Server.Version}}'])).trim()).not.toBe(
        '',
      );
    } finally {
      for (const session of [afterDeadline, next, crashed]) {
        if (session) await teardown(session, { stateDir });
      }
    }
    for (const session of [crashed, next, afterDeadline])
      expect(await sessionResources(session!.id)).toEqual([]);
  });

  it('the host-wide budget removes least recently used unleased cache volumes, never a leased one', async () => {
    const cacheKey = key('budget');
    const engine = new DockerEngine(DEFAULT_ENGINE_HOST);
    // enforceHostBudget works on every cache volume of the engine. Give it a view of the engine in
    // which only this test's cache key exists, so nobody else's volume can be chosen or removed.
    const scoped = new Proxy(engine, {
      get(target, property, receiver) {
        if (property === 'listVolumes') {
          return (labels: Record<string, string | undefined>) =>
            target.listVolumes({ ...labels, [LABELS.cacheKey]: cacheKey });
        }
        if (property === 'removeVolume') {
          return async (name: string) => {
            const [volume] = await target
              .listVolumes({ [LABELS.cacheKey]: cacheKey, [LABELS.role]: 'cache' })
              .then((vs) => vs.filter((v) => v.name === name));
            if (!volume) throw new Error(`refusing to remove ${name}: not a volume of ${cacheKey}`);
            return target.removeVolume(name);
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });

    // Slot 0: a running session holds it (leased), and it is the least recently used of all.
    const live = await launch(testConfig({ 'cache-key': cacheKey }), {}, { stateDir });
    try {
      expect(live.cacheSlot).toBe(0);
      const day = 24 * 3600 * 1000;
      const now = Date.now();
      await touchCacheVolume(stateDir, live.cacheVolume, new Date(now - 4 * day));
      // Slots 1-3: idle volumes with data, used 3, 2 and 1 days ago.
      const filled: Record<number, number> = { 1: 8, 2: 24, 3: 8 };
      for (const slot of [1, 2, 3]) {
        const name = cacheVolumeName(cacheKey, slot);
        const labels = Object.entries(cacheVolumeLabels(cacheKey, slot, new Date(now - 5 * day))).flatMap(
          ([k, v]) => ['--label', `${k}=${v}`],
        );
        await hostDocker(['volume', 'create', ...labels, name]);
        await hostDocker([
          'run',
          '--rm',
          '-v',
          `${name}:/data`,
          BUSYBOX_IMAGE,
          'dd',
          'if=/dev/zero',
          'of=/data/fill',
          'bs=1048576',
          `count=${filled[slot]}`,
        ]);
        await touchCacheVolume(stateDir, name, new Date(now - (4 - slot) * day));
      }

      const before = await listCacheVolumes(scoped, stateDir, { measure: true });
      expect(before.map((v) => v.name).sort()).toEqual([0, 1, 2, 3].map((s) => cacheVolumeName(cacheKey, s)));
      const size = (slot: number) => before.find((v) => v.slot === slot)!.size!;
      expect(before.find((v) => v.slot === 0)!.leased).toBe(true);
      expect(before.filter((v) => v.slot !== 0).every((v) => !v.leased)).toBe(true);
      expect(size(2)).toBeGreaterThanOrEqual(24 * 1024 * 1024);
      // Room for the leased volume and the newest idle one, with half of slot 2's size to spare
      // (the running daemon's volume may grow a little meanwhile): slots 1 and 2 must go.
      const budget = size(0) + size(3) + Math.floor(size(2) / 2);
      const expected = [1, 2].map((s) => cacheVolumeName(cacheKey, s));
      expect(
        selectEvictions(
          before.map((v) => ({
            name: v.name,
            size: v.size ?? 0,
            lastUsed: v.lastUsed ?? 0,
            leased: v.leased,
          })),
          budget,
        ),
      ).toEqual(expected);

      const removed = await enforceHostBudget(scoped, stateDir, budget);
      expect(removed).toEqual(expected);
      expect(await cacheVolumes(cacheKey)).toEqual([0, 3].map((s) => cacheVolumeName(cacheKey, s)));
      for (const name of expected) expect(await cacheVolumeLastUsed(stateDir, name)).toBeUndefined();
      // A budget that cannot be met without the leased volume still leaves it alone.
      expect(await enforceHostBudget(scoped, stateDir, 0)).toEqual([cacheVolumeName(cacheKey, 3)]);
      expect(await cacheVolumes(cacheKey)).toEqual([live.cacheVolume]);
      expect((await innerDocker(live.env, ['version', '--format', '{{.Server.Version}}'])).trim()).not.toBe(
        '',
      );
    } finally {
      await teardown(live, { stateDir });
    }
    expect(await sessionResources(live.id)).toEqual([]);
    await keyStillWorks(cacheKey);
  });

  it('four sessions with one cache key at once: four slots, all answer, no volume mounted twice', async () => {
    const cacheKey = key('four');
    const config = testConfig({ 'cache-key': cacheKey });
    const settled = await Promise.allSettled([0, 1, 2, 3].map(() => launch(config, {}, { stateDir })));
    const sessions = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      expect(
        settled
          .filter((r) => r.status === 'rejected')
          .map((r) => String((r as PromiseRejectedResult).reason)),
      ).toEqual([]);
      expect(sessions.map((s) => s.cacheSlot).sort()).toEqual([0, 1, 2, 3]);
      const mounts = await Promise.all(
        sessions.map(async (s) => {
          const [inspect] = JSON.parse(await hostDocker(['inspect', s.containerId])) as {
            Mounts: { Type: string; Name?: string; Destination: string }[];
          }[];
          expect(inspect!.Mounts).toHaveLength(1);
          expect(inspect!.Mounts[0]).toMatchObject({ Type: 'volume', Destination: '/var/lib/docker' });
          return inspect!.Mounts[0]!.Name!;
        }),
      );
      expect(new Set(mounts).size).toBe(4);
      expect(mounts.sort()).toEqual(sessions.map((s) => s.cacheVolume).sort());
      for (const volume of mounts) {
        const users = (await hostDocker(['ps', '-a', '-q', '--filter', `volume=${volume}`]))
          .split('\n')
          .filter(Boolean);
        expect(users).toHaveLength(1);
      }
      const versions = await Promise.all(
        sessions.map((s) => innerDocker(s.env, ['version', '--format', '{{.Server.Version}}'])),
      );
      for (const version of versions) expect(version.trim()).not.toBe('');
    } finally {
      const reports = await Promise.all(sessions.map((s) => teardown(s, { stateDir })));
      for (const report of reports) expect(report.warnings).toEqual([]);
    }
    for (const session of sessions) expect(await sessionResources(session.id)).toEqual([]);
    expect(await cacheVolumes(cacheKey)).toHaveLength(4);
    await keyStillWorks(cacheKey);
  });

  it('the CLI exits 2 on bad input before creating anything', async () => {
    const cacheKey = key('bad');
    const result = await execFileAsync(
      'node',
      [CLI, 'up', '--cache-key', cacheKey, '--daemon-config', '{"hosts":["tcp://0.0.0.0:2375"]}'],
      {
        env: cliEnv(),
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid .*daemon-config.*without "hosts"/);
    expect(await daemonLabels(cacheKey)).toBeUndefined();
    expect(await cacheVolumes(cacheKey)).toEqual([]);
  });
});
