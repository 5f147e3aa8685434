/**
 * The session lifecycle against the real engine: launch, use through the client environment alone,
 * teardown keeping only the cache; cache reuse; concurrent leases; address collisions; refusals.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCidr, overlaps, parseCidr } from '../../src/core/cidr.js';
import { launch } from '../../src/session/launch.js';
import { teardown } from '../../src/session/teardown.js';
import type { Session } from '../../src/session/types.js';
import { BUSYBOX_IMAGE, RUNNER_IMAGE, engineReady, hostDocker } from '../support/engine.js';
import {
  cacheVolumes,
  innerDocker,
  loadImage,
  removeCacheVolumes,
  sessionResources,
  uniqueKey,
} from '../support/inner.js';
import { testConfig, testStateDir } from '../support/session.js';
import { tcpOpen, tlsPing } from '../support/tls-probe.js';

const execFileAsync = promisify(execFile);
const CLI = join(import.meta.dirname, '../../dist/cli.js');

describe.runIf(engineReady)('session lifecycle', () => {
  const keys: string[] = [];
  const stateDir = testStateDir();
  const key = (name: string) => {
    const k = uniqueKey(name);
    keys.push(k);
    return k;
  };
  afterAll(async () => {
    for (const k of keys) await removeCacheVolumes(k);
  });

  it('up -> docker run inside with only the exported environment -> down leaves only the cache volume', async () => {
    const cacheKey = key('cli');
    const env = {
      ...process.env,
      SECURE_DIND_STATE_DIR: stateDir,
      SECURE_DIND_IMAGE: 'secure-dind/runner-image:dev',
    };
    const up = await execFileAsync(
      'node',
      [CLI, 'up', '--json', '--cache-key', cacheKey, '--runtime', 'sysbox-runc'],
      { env },
    );
    const session = JSON.parse(up.stdout) as {
      sessionId: string;
      env: Record<string, string>;
      cacheVolume: string;
      cacheHit: boolean;
    };
    expect(Object.keys(session.env).sort()).toEqual(['DOCKER_CERT_PATH', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY']);
    expect(session.env.DOCKER_HOST).toMatch(/^tcp:\/\/[\d.]+:2376$/);
    expect(session.cacheHit).toBe(false);

    const certDir = session.env.DOCKER_CERT_PATH!;
    expect(statSync(certDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(certDir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(certDir, 'ca-key.pem'))).toBe(false);

    const clientEnv = session.env as {
      DOCKER_HOST: string;
      DOCKER_TLS_VERIFY: string;
      DOCKER_CERT_PATH: string;
    };
    await loadImage(clientEnv, BUSYBOX_IMAGE);
    const out = await innerDocker(clientEnv, [
      'run',
      '--name',
      'probe',
      BUSYBOX_IMAGE,
      'echo',
      'ran inside the DinD',
    ]);
    expect(out.trim()).toBe('ran inside the DinD');
    // The container exists in the session's daemon, not on the host engine.
    expect(await innerDocker(clientEnv, ['ps', '-a', '--format', '{{.Names}}'])).toContain('probe');
    expect(await hostDocker(['ps', '-a', '--format', '{{.Names}}'])).not.toMatch(/^probe$/m);

    const down = await execFileAsync('node', [CLI, 'down', session.sessionId, '--json'], { env });
    const report = JSON.parse(down.stdout) as { removed: string[]; kept: string[]; warnings: string[] };
    expect(report.warnings).toEqual([]);
    expect(report.kept).toEqual([`volume ${session.cacheVolume}`]);
    expect(await sessionResources(session.sessionId)).toEqual([]);
    expect(await cacheVolumes(cacheKey)).toEqual([session.cacheVolume]);
    expect(existsSync(certDir)).toBe(false);
  });

  it('keeps images for the next session with the same cache key, and calls only a filled cache warm', async () => {
    const config = testConfig({ 'cache-key': key('warm') });
    const empty = await launch(config, {}, { stateDir });
    await teardown(empty, { stateDir });
    const first = await launch(config, {}, { stateDir });
    try {
      // The volume exists, but no daemon left anything in it.
      expect(first.cacheVolume).toBe(empty.cacheVolume);
      expect(first.cacheHit).toBe(false);
      await loadImage(first.env, BUSYBOX_IMAGE);
    } finally {
      await teardown(first, { stateDir });
    }
    const second = await launch(config, {}, { stateDir });
    try {
      expect(second.cacheHit).toBe(true);
      expect(second.cacheVolume).toBe(first.cacheVolume);
      const images = await innerDocker(second.env, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
      expect(images).toContain(BUSYBOX_IMAGE);
    } finally {
      const report = await teardown(second, { stateDir });
      expect(report.warnings).toEqual([]);
    }
  });

  it('gives two concurrent sessions with one key different volumes, and both work', async () => {
    const config = testConfig({ 'cache-key': key('concurrent') });
    const sessions = await Promise.all([launch(config, {}, { stateDir }), launch(config, {}, { stateDir })]);
    try {
      expect(new Set(sessions.map((s) => s.cacheVolume)).size).toBe(2);
      expect(new Set(sessions.map((s) => s.cacheSlot))).toEqual(new Set([0, 1]));
      for (const session of sessions) {
        const version = await innerDocker(session.env, ['version', '--format', '{{.Server.Version}}']);
        expect(version.trim()).not.toBe('');
      }
    } finally {
      await Promise.all(sessions.map((s) => teardown(s, { stateDir })));
    }
  });

  it('works when an outer network sits in the range the inner daemon would pick', async () => {
    // Occupy the inner daemon's first-choice range on the outer engine: the inner bridge must move
    // elsewhere (an inner bridge overlapping an outer network made the daemon unreachable).
    const blocker = `sd-test-blocker-${Math.random().toString(36).slice(2, 8)}`;
    await hostDocker(['network', 'create', '--subnet', '10.200.0.0/16', blocker]);
    let session: Session | undefined;
    try {
      session = await launch(testConfig({ 'cache-key': key('collide'), cache: 'false' }), {}, { stateDir });
      const inner = await innerDocker(session.env, [
        'network',
        'inspect',
        'bridge',
        '--format',
        '{{(index .IPAM.Config 0).Subnet}}',
      ]);
      const innerBridge = parseCidr(inner.trim())!;
      expect(overlaps(innerBridge, parseCidr('10.200.0.0/16')!)).toBe(false);
      const outer = JSON.parse(await hostDocker(['network', 'inspect', session.networkName]))[0];
      expect(overlaps(innerBridge, parseCidr(outer.IPAM.Config[0].Subnet)!)).toBe(false);
      await loadImage(session.env, BUSYBOX_IMAGE);
      const out = await innerDocker(session.env, ['run', '--rm', BUSYBOX_IMAGE, 'echo', 'reachable']);
      expect(out.trim()).toBe('reachable');
      expect(formatCidr(innerBridge)).not.toBe('');
    } finally {
      if (session) await teardown(session, { stateDir });
      await hostDocker(['network', 'rm', blocker]).catch(() => undefined);
    }
  });

  it('attaches a runner that itself runs in a container to the session network, and detaches it at teardown', async () => {
    // A containerised runner as such runners are set up: the engine's socket mounted, and here the
    // host's node and the committed CLI bundle. It runs `secure-dind up` from inside.
    const cacheKey = key('in-container');
    const runner = `sd-test-runner-ctr-${Math.random().toString(36).slice(2, 8)}`;
    const dist = join(import.meta.dirname, '../../dist');
    await hostDocker([
      ...['run', '-d', '--name', runner, '--entrypoint', 'sleep'],
      ...['-v', `${process.execPath}:/usr/local/bin/node:ro`, '-v', `${dist}:/opt/secure-dind:ro`],
      ...['-v', '/var/run/docker.sock:/var/run/docker.sock', RUNNER_IMAGE, '600'],
    ]);
    const inRunner = (args: string[], env: Record<string, string> = {}) =>
      hostDocker(['exec', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), runner, ...args]);
    const cli = ['node', '/opt/secure-dind/cli.js'];
    try {
      const up = await inRunner([
        ...cli,
        'up',
        '--json',
        '--image',
        RUNNER_IMAGE,
        '--runtime',
        'sysbox-runc',
        '--cache-key',
        cacheKey,
      ]);
      const session = JSON.parse(up) as { sessionId: string; env: Record<string, string> };
      const networkName = `secure-dind-net-${session.sessionId}`;
      const runnerNetworks = async () =>
        Object.keys(
          JSON.parse(await hostDocker(['inspect', '--format', '{{json .NetworkSettings.Networks}}', runner])),
        );
      expect(await runnerNetworks()).toContain(networkName);
      // From inside the runner container, the exported environment alone reaches the daemon.
      const version = await inRunner(['docker', 'version', '--format', '{{.Server.Version}}'], session.env);
      expect(version.trim()).not.toBe('');
      await inRunner([...cli, 'down', session.sessionId]);
      expect(await runnerNetworks()).not.toContain(networkName);
      expect(await sessionResources(session.sessionId)).toEqual([]);
    } finally {
      await hostDocker(['rm', '-f', '-v', runner]).catch(() => undefined);
    }
  });

  it('fails cleanly with nothing left behind when the runtime does not exist', async () => {
    const cacheKey = key('noruntime');
    const sessionIds: string[] = [];
    await expect(
      launch(
        testConfig({ 'cache-key': cacheKey, runtime: 'no-such-runtime' }),
        { onState: (s) => void sessionIds.push(s.sessionId) },
        { stateDir },
      ),
    ).rejects.toThrow(/no runtime named "no-such-runtime"[\s\S]*/);
    expect(sessionIds.length).toBeGreaterThan(0);
    expect(await sessionResources(sessionIds[0]!)).toEqual([]);
    expect(await cacheVolumes(cacheKey)).toEqual([]);
  });

  it("refuses connections without a client certificate or with another session's certificate", async () => {
    const [a, b] = await Promise.all([
      launch(testConfig({ 'cache-key': key('tls-a'), cache: 'false' }), {}, { stateDir }),
      launch(testConfig({ 'cache-key': key('tls-b'), cache: 'false' }), {}, { stateDir }),
    ]);
    try {
      const host = new URL(a.env.DOCKER_HOST.replace('tcp:', 'http:')).hostname;
      const read = (s: Session, file: string) => readFileSync(join(s.certDir, file), 'utf8');
      const aCa = read(a, 'ca.pem');
      expect(await tlsPing(host, 2376, { ca: aCa, cert: read(a, 'cert.pem'), key: read(a, 'key.pem') })).toBe(
        'answered',
      );
      expect(await tlsPing(host, 2376, { ca: aCa })).toBe('refused');
      expect(await tlsPing(host, 2376, { ca: aCa, cert: read(b, 'cert.pem'), key: read(b, 'key.pem') })).toBe(
        'refused',
      );
      expect(await tcpOpen(host, 2375)).toBe(false);
      // And the docker CLI with the other session's certificates fails too.
      await expect(
        innerDocker({ ...a.env, DOCKER_CERT_PATH: b.certDir }, ['version'], 15_000),
      ).rejects.toThrow();
    } finally {
      await Promise.all([teardown(a, { stateDir }), teardown(b, { stateDir })]);
    }
  });
});
