/**
 * Security properties on the real engine: the DinD container as the engine actually created it,
 * mutual TLS refusals (no certificate, another session's, an expired or not yet valid one from the
 * right CA), no plain-text port, client key permissions, isolation between sessions' networks, and
 * cache keys that keep untrusted code away from trusted caches.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/core/names.js';
import { unsafeSpecReasons } from '../../src/core/spec.js';
import { deriveCacheKey } from '../../src/github/cache-key.js';
import { jobContext } from '../../src/gitlab/job.js';
import { parseJobResponse } from '../../src/gitlab/job-response.js';
import { loadSettings } from '../../src/gitlab/settings.js';
import { launch } from '../../src/session/launch.js';
import { teardown } from '../../src/session/teardown.js';
import type { Session } from '../../src/session/types.js';
import { writeClientCerts } from '../../src/tls/cert-dir.js';
import { makeCertAuthority, makeSessionCerts } from '../../src/tls/certs.js';
import {
  BUSYBOX_IMAGE,
  DOCKER_CLI,
  TEST_RUNTIME,
  hostEngineEnv,
  engineReady,
  hostDocker,
} from '../support/engine.js';
import { innerDocker, loadImage, removeCacheVolumes, sessionResources, uniqueKey } from '../support/inner.js';
import { testConfig, testStateDir } from '../support/session.js';
import { StandaloneDaemon, waitFor } from '../support/standalone-daemon.js';
import { tcpOpen, tlsPing } from '../support/tls-probe.js';

const execFileAsync = promisify(execFile);
const DAY = 24 * 3600 * 1000;

function daemonIp(session: Session): string {
  return new URL(session.env.DOCKER_HOST.replace(/^tcp:/, 'http:')).hostname;
}

function clientFiles(session: Session) {
  const read = (file: string) => readFileSync(join(session.certDir, file), 'utf8');
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/** Exit status of a command in a container of the host engine (docker exec), without throwing. */
async function execStatus(container: string, script: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(DOCKER_CLI, ['exec', container, 'bash', '-c', script], {
      env: hostEngineEnv(),
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe.runIf(engineReady)('security on the real engine', () => {
  const stateDir = testStateDir();
  const keys: string[] = [];
  const key = (name: string) => {
    const k = uniqueKey(`security-${name}`);
    keys.push(k);
    return k;
  };
  let a: Session;
  let b: Session;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      launch(testConfig({ 'cache-key': key('a') }), {}, { stateDir }),
      launch(testConfig({ 'cache-key': key('b'), cache: 'false' }), {}, { stateDir }),
    ]);
  });

  afterAll(async () => {
    for (const session of [a, b]) if (session) await teardown(session, { stateDir });
    for (const k of keys) await removeCacheVolumes(k);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('creates the DinD container unprivileged, on the runtime, with no host path, socket or namespace', async () => {
    const [inspect] = JSON.parse(await hostDocker(['inspect', a.containerId]));
    const host = inspect.HostConfig;
    expect(host.Privileged).toBe(false);
    expect(host.Runtime).toBe(TEST_RUNTIME);
    expect(host.Binds ?? []).toEqual([]);
    expect((host.Mounts ?? []).filter((m: { Type: string }) => m.Type !== 'volume')).toEqual([]);
    expect(inspect.Mounts).toEqual([
      expect.objectContaining({ Type: 'volume', Name: a.cacheVolume, Destination: '/var/lib/docker' }),
    ]);
    expect(JSON.stringify(inspect)).not.toMatch(/docker\.sock/);
    for (const mode of ['PidMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'NetworkMode', 'CgroupnsMode']) {
      expect({ mode, value: host[mode] }).not.toEqual({ mode, value: 'host' });
    }
    expect(host.NetworkMode).toBe(a.networkName);
    expect(host.CapAdd ?? []).toEqual([]);
    expect(host.Devices ?? []).toEqual([]);
    expect(host.PublishAllPorts).toBe(false);
    expect(Object.keys(host.PortBindings ?? {})).toEqual([]);
    // Exposed ports of the image, if any, are bound to nothing on the host.
    expect(Object.values(inspect.NetworkSettings.Ports ?? {}).filter((binding) => binding !== null)).toEqual(
      [],
    );
    expect(unsafeSpecReasons(inspect)).toEqual([]);
    // The session network is a bridge of its own, labelled, not the host's.
    const [network] = JSON.parse(await hostDocker(['network', 'inspect', a.networkName]));
    expect(network.Driver).toBe('bridge');
    expect(network.Labels[LABELS.session]).toBe(a.id);
  });

  it('answers only its own client certificate; nothing listens on 2375', async () => {
    const ip = daemonIp(a);
    const own = clientFiles(a);
    const other = clientFiles(b);
    expect(await tlsPing(ip, 2376, own)).toBe('answered');
    expect(await tlsPing(ip, 2376, { ca: own.ca })).toBe('refused');
    expect(await tlsPing(ip, 2376, { ca: own.ca, cert: other.cert, key: other.key })).toBe('refused');
    expect(await tcpOpen(ip, 2375)).toBe(false);
    expect(await tcpOpen(daemonIp(b), 2375)).toBe(false);
    // The docker CLI with the other session's certificates fails too (it also distrusts the server).
    await expect(
      innerDocker({ ...a.env, DOCKER_CERT_PATH: b.certDir }, ['version'], 15_000),
    ).rejects.toThrow();
  });

  it('keeps client keys 0600 in a 0700 directory without the CA key, and removes them at teardown', async () => {
    const session = await launch(testConfig({ 'cache-key': key('certs'), cache: 'false' }), {}, { stateDir });
    try {
      expect(statSync(session.certDir).mode & 0o777).toBe(0o700);
      expect(readdirSync(session.certDir).sort()).toEqual(['ca.pem', 'cert.pem', 'key.pem']);
      expect(statSync(join(session.certDir, 'key.pem')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(session.certDir, 'ca.pem'), 'utf8')).not.toMatch(/PRIVATE KEY/);
      expect(readFileSync(join(session.certDir, 'cert.pem'), 'utf8')).not.toMatch(/PRIVATE KEY/);
    } finally {
      await teardown(session, { stateDir });
    }
    expect(existsSync(session.certDir)).toBe(false);
    expect(await sessionResources(session.id)).toEqual([]);
  });

  it("blocks one session's containers, and its daemon container, from reaching another session's daemon", async () => {
    const ipA = daemonIp(a);
    const ipB = daemonIp(b);
    // B is up and reachable from the host (the client side), with B's own certificate.
    expect(await tlsPing(ipB, 2376, clientFiles(b))).toBe('answered');

    await loadImage(a.env, BUSYBOX_IMAGE);
    const probe = (ip: string) =>
      innerDocker(
        a.env,
        ['run', '--rm', BUSYBOX_IMAGE, 'sh', '-c', `nc -w 3 ${ip} 2376 </dev/null 2>&1; echo "rc=$?"`],
        60_000,
      );
    // Control: from a job container the probe does connect to its own session's daemon...
    expect(await probe(ipA)).toMatch(/rc=0/);
    // ...but not to another session's daemon (Docker's DOCKER-ISOLATION chains between bridges).
    const fromJob = await probe(ipB);
    expect(fromJob).toMatch(/rc=1/);
    expect(fromJob).toMatch(/timed out|can't connect/);

    // The same from A's DinD container itself (what a job with `docker exec` powers could try).
    const connect = (ip: string) => `timeout 8 bash -c 'exec 3<>/dev/tcp/${ip}/2376'; echo "rc=$?"`;
    expect((await execStatus(a.containerId, connect(ipA))).output).toMatch(/rc=0/);
    const fromDaemon = await execStatus(a.containerId, connect(ipB));
    expect(fromDaemon.output).not.toMatch(/rc=0/);

    // And were the network open, mutual TLS would still refuse A's certificate at B.
    expect(
      await tlsPing(ipB, 2376, { ...clientFiles(b), cert: clientFiles(a).cert, key: clientFiles(a).key }),
    ).toBe('refused');
  });
});

describe.runIf(engineReady)('mutual TLS against certificates from the same CA', () => {
  let daemon: StandaloneDaemon;
  let ip = '';
  let ca: Awaited<ReturnType<typeof makeCertAuthority>>;

  beforeAll(async () => {
    daemon = await StandaloneDaemon.reserve('sd-test-sec-dind');
    ip = daemon.ip;
    ca = await makeCertAuthority();
    const server = await ca.issue({
      kind: 'server',
      dnsNames: ['docker'],
      ips: [ip],
      notBefore: ca.notBefore,
      notAfter: ca.notAfter,
    });
    await daemon.start({ caCertPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem });
    const valid = await ca.issue({ kind: 'client', notBefore: ca.notBefore, notAfter: ca.notAfter });
    await waitFor('the daemon answering over mutual TLS', async () => {
      if (
        (await tlsPing(ip, 2376, { ca: ca.certPem, cert: valid.certPem, key: valid.keyPem })) !== 'answered'
      ) {
        throw new Error('not yet');
      }
    });
  });

  afterAll(async () => {
    await daemon?.remove();
  });

  it('refuses an expired and a not yet valid client certificate of its own CA, and another CA', async () => {
    const now = Date.now();
    const valid = await ca.issue({ kind: 'client', notBefore: ca.notBefore, notAfter: ca.notAfter });
    const expired = await ca.issue({
      kind: 'client',
      notBefore: new Date(now - 2 * DAY),
      notAfter: new Date(now - DAY),
    });
    const future = await ca.issue({
      kind: 'client',
      notBefore: new Date(now + DAY),
      notAfter: new Date(now + 2 * DAY),
    });
    const stranger = await makeSessionCerts({ serverDnsNames: ['docker'], serverIps: [ip] });
    expect(await tlsPing(ip, 2376, { ca: ca.certPem, cert: valid.certPem, key: valid.keyPem })).toBe(
      'answered',
    );
    expect(await tlsPing(ip, 2376, { ca: ca.certPem, cert: expired.certPem, key: expired.keyPem })).toBe(
      'refused',
    );
    expect(await tlsPing(ip, 2376, { ca: ca.certPem, cert: future.certPem, key: future.keyPem })).toBe(
      'refused',
    );
    expect(
      await tlsPing(ip, 2376, { ca: ca.certPem, cert: stranger.client.certPem, key: stranger.client.keyPem }),
    ).toBe('refused');
    expect(await tlsPing(ip, 2376, { ca: ca.certPem })).toBe('refused');
    expect(await tcpOpen(ip, 2375)).toBe(false);

    // The docker CLI agrees: the valid certificate works, the expired one does not.
    const dir = (pair: { certPem: string; keyPem: string }, label: string) => {
      const path = join(daemon.work, label);
      return writeClientCerts(path, { caCertPem: ca.certPem, server: pair, client: pair }).then(() => path);
    };
    const env = (certPath: string) => ({
      DOCKER_HOST: `tcp://${ip}:2376`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certPath,
    });
    expect(
      (
        await innerDocker(env(await dir(valid, 'valid')), ['version', '--format', '{{.Server.Version}}'])
      ).trim(),
    ).not.toBe('');
    await expect(innerDocker(env(await dir(expired, 'expired')), ['version'], 15_000)).rejects.toThrow();
  });
});

describe('cache keys keep untrusted code away from trusted caches', () => {
  it('gives a fork pull request a different default (and explicit) key than the base repository', () => {
    const repository = 'octo-org/octo-repo';
    const base = deriveCacheKey(undefined, { repository, eventName: 'push', event: {} });
    const pullRequest = (headRepo: string) => ({
      repository,
      eventName: 'pull_request',
      event: {
        pull_request: {
          head: { repo: { full_name: headRepo, fork: headRepo !== repository } },
          base: { repo: { full_name: repository } },
        },
      },
    });
    const sameRepoPr = deriveCacheKey(undefined, pullRequest(repository));
    const forkPr = deriveCacheKey(undefined, pullRequest('mallory/octo-repo'));
    expect(sameRepoPr).toBe(base);
    expect(forkPr).not.toBe(base);
    expect(forkPr).toContain('mallory/octo-repo');
    // A fork cannot name the base repository's key explicitly either.
    expect(deriveCacheKey(base, pullRequest('mallory/octo-repo'))).not.toBe(base);
    expect(deriveCacheKey('shared', pullRequest('mallory/octo-repo'))).not.toBe(
      deriveCacheKey('shared', pullRequest(repository)),
    );
  });

  it('gives protected and unprotected GitLab refs of one project different keys', () => {
    const settings = loadSettings({});
    const response = (isProtected?: boolean) =>
      parseJobResponse(
        JSON.stringify({
          id: 77,
          token: 'token',
          job_info: { project_id: 9 },
          git_info: { repo_url: 'https://gitlab.example.com/group/app.git', protected: isProtected },
        }),
        'response.json',
      );
    const protectedKey = jobContext({}, settings, response(true)).cacheKey;
    const unprotectedKey = jobContext({}, settings, response(false)).cacheKey;
    const unsetKey = jobContext({}, settings, response(undefined)).cacheKey;
    expect(protectedKey).not.toBe(unprotectedKey);
    expect(unsetKey).toBe(unprotectedKey);
  });
});
