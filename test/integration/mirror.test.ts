/**
 * The per-host registry mirror against the real engine, with a local registry standing in for
 * Docker Hub: cold sessions pull through the mirror, so only the first one fetches blobs from
 * upstream; with the mirror stopped a session still starts, warns, and pulls from upstream.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawSettings } from '../../src/core/config.js';
import { MIRROR, parseMirrorOptions } from '../../src/core/mirror.js';
import { connectHostEngine } from '../../src/session/engine.js';
import { launch } from '../../src/session/launch.js';
import { mirrorDown, mirrorGc, mirrorStatus, mirrorUp } from '../../src/session/mirror-service.js';
import { teardown } from '../../src/session/teardown.js';
import type { Logger, Session } from '../../src/session/types.js';
import { BUSYBOX_IMAGE, engineReady, hostDocker } from '../support/engine.js';
import { innerDocker, removeCacheVolumes, uniqueKey } from '../support/inner.js';
import { testConfig, testStateDir } from '../support/session.js';
import { type UpstreamRegistry, startUpstreamRegistry } from '../support/upstream-registry.js';

const MIRROR_IMAGE = 'secure-dind/mirror:dev';
const CLI = join(import.meta.dirname, '../../dist/cli.js');

describe.runIf(engineReady)('registry mirror', () => {
  const engine = connectHostEngine();
  const stateDir = testStateDir();
  const keys: string[] = [];
  // A Docker Hub style name: daemons send only Docker Hub pulls to a mirror.
  const image = `secure-dind-test/mirror-probe-${randomBytes(4).toString('hex')}:v1`;
  let upstream: UpstreamRegistry;
  let mirrorUrl: string;
  const mirrorOptions = () =>
    parseMirrorOptions({ image: MIRROR_IMAGE, upstream: upstream.url, storageBudget: '1GiB' });

  beforeAll(async () => {
    upstream = await startUpstreamRegistry();
    await upstream.push(BUSYBOX_IMAGE, image);
    mirrorUrl = (await mirrorUp(engine, mirrorOptions())).url!;
  });

  afterAll(async () => {
    await mirrorDown(engine, true);
    await upstream?.dispose();
    for (const key of keys) await removeCacheVolumes(key);
    engine.close();
  });

  /** A session on a fresh cache volume (nothing cached in its daemon) and the warnings of its launch. */
  async function coldSession(raw: RawSettings): Promise<{ session: Session; warnings: string[] }> {
    const key = uniqueKey('mirror');
    keys.push(key);
    const warnings: string[] = [];
    const log: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m) };
    const session = await launch(
      testConfig({ 'cache-key': key, ...raw }),
      { clientPlacement: 'host', log },
      { stateDir },
    );
    return { session, warnings };
  }

  async function mirrorsOf(session: Session): Promise<string[]> {
    const mirrors = await innerDocker(session.env, ['info', '--format', '{{json .RegistryConfig.Mirrors}}']);
    return (JSON.parse(mirrors) as string[] | null) ?? [];
  }

  it('runs unprivileged on its own network, reports its state, and up again leaves it as it is', async () => {
    const id = (await engine.inspectContainer(MIRROR.container))?.id;
    await mirrorUp(engine, mirrorOptions());
    expect((await engine.inspectContainer(MIRROR.container))?.id).toBe(id);
    const status = await mirrorStatus(engine);
    expect(status).toMatchObject({ state: 'running', upstream: upstream.url, overBudget: false });
    expect(status.problem).toBeUndefined();
    const inspected = JSON.parse(await hostDocker(['inspect', MIRROR.container]))[0];
    expect(inspected.Config.User).toBe('docker-registry');
    expect(inspected.HostConfig).toMatchObject({
      Privileged: false,
      CapDrop: ['ALL'],
      ReadonlyRootfs: true,
      NetworkMode: 'secure-dind-mirror',
      RestartPolicy: { Name: 'unless-stopped' },
    });
  });

  it('only the first of two cold sessions fetches blobs from upstream', async () => {
    const fetchedByColdPull = async (): Promise<number> => {
      const before = await upstream.blobFetches();
      const { session, warnings } = await coldSession({ 'registry-mirror': 'auto' });
      try {
        expect(warnings).toEqual([]);
        expect(await mirrorsOf(session)).toEqual([`${mirrorUrl}/`]);
        await innerDocker(session.env, ['pull', image]);
      } finally {
        await teardown(session, { stateDir });
      }
      return (await upstream.blobFetches()).count - before.count;
    };
    expect(await fetchedByColdPull()).toBeGreaterThan(0);
    expect(await fetchedByColdPull()).toBe(0);
  });

  it('with the mirror stopped a session starts, warns, and pulls from upstream', async () => {
    await hostDocker(['stop', MIRROR.container]);
    try {
      const upstreamHost = new URL(upstream.url).host;
      const before = await upstream.blobFetches();
      const { session, warnings } = await coldSession({
        'registry-mirror': mirrorUrl,
        'daemon-config': JSON.stringify({ 'insecure-registries': [upstreamHost] }),
      });
      try {
        expect(warnings).toEqual([
          expect.stringContaining(`the registry mirror ${mirrorUrl} does not answer`),
        ]);
        expect(await mirrorsOf(session)).toEqual([]);
        await innerDocker(session.env, ['pull', `${upstreamHost}/${image}`]);
      } finally {
        await teardown(session, { stateDir });
      }
      expect((await upstream.blobFetches()).count).toBeGreaterThan(before.count);
    } finally {
      await hostDocker(['start', MIRROR.container]);
    }
  });

  it('reports a cache over its budget, and gc empties it and restarts the mirror', async () => {
    await mirrorUp(
      engine,
      parseMirrorOptions({ image: MIRROR_IMAGE, upstream: upstream.url, storageBudget: '64MiB' }),
    );
    // Content the proxy did not fetch counts all the same: 70 MiB in its storage.
    await hostDocker([
      'exec',
      MIRROR.container,
      'sh',
      '-c',
      'head -c 73400320 /dev/zero >/var/lib/docker-registry/filler',
    ]);
    expect(await mirrorStatus(engine)).toMatchObject({ state: 'running', overBudget: true });
    const collected = await mirrorGc(engine);
    expect(collected).toMatchObject({
      state: 'running',
      url: mirrorUrl,
      upstream: upstream.url,
      overBudget: false,
    });
    expect(collected.problem).toBeUndefined();
    expect(collected.usedBytes).toBeLessThan(64 * 1024 ** 2);
  });

  it('the CLI reports it and removes it, idempotently', async () => {
    const cli = (...args: string[]) =>
      promisify(execFile)('node', [CLI, 'mirror', ...args]).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const status = await cli('status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      state: 'running',
      url: mirrorUrl,
      upstream: upstream.url,
    });
    expect((await cli('down')).stderr).toContain(`removed container ${MIRROR.container}`);
    expect(await cli('down')).toMatchObject({ code: 0, stderr: '' });
    const absent = await cli('status');
    expect(absent.code).toBe(1);
    expect(absent.stdout).toMatch(/^state\s+absent/);
  });
});
