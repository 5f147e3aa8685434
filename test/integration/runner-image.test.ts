/**
 * runner-image on its own, started as a user (or secure-dind) would: under the sysbox-runc
 * runtime, unprivileged, a volume on /var/lib/docker, TLS certificates provided; then reached with
 * the docker CLI over mutual TLS. Also the rest of the docker:dind contract it follows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClientCerts } from '../../src/tls/cert-dir.js';
import { makeSessionCerts } from '../../src/tls/certs.js';
import {
  BUSYBOX_IMAGE,
  RUNNER_IMAGE,
  TEST_RUNTIME,
  engineReady,
  hostDocker,
  hostLogs,
} from '../support/engine.js';
import { innerDocker, loadImage } from '../support/inner.js';
import { StandaloneDaemon, waitFor } from '../support/standalone-daemon.js';
import { tcpOpen, tlsPing } from '../support/tls-probe.js';

describe.runIf(engineReady)('runner-image under sysbox-runc with provided certificates', () => {
  let daemon: StandaloneDaemon;
  let name = '';
  let ip = '';
  let clientDir = '';
  let env: { DOCKER_HOST: string; DOCKER_TLS_VERIFY: string; DOCKER_CERT_PATH: string };

  beforeAll(async () => {
    daemon = await StandaloneDaemon.reserve('sd-test-runner');
    ({ name, ip } = daemon);
    clientDir = join(daemon.work, 'client');
    const certs = await makeSessionCerts({ serverDnsNames: ['docker'], serverIps: [ip] });
    await writeClientCerts(clientDir, certs);
    await daemon.start({
      caCertPem: certs.caCertPem,
      certPem: certs.server.certPem,
      keyPem: certs.server.keyPem,
    });
    env = { DOCKER_HOST: `tcp://${ip}:2376`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: clientDir };
    await waitFor('the inner daemon answering over TLS', () => innerDocker(env, ['version'], 10_000));
  });

  afterAll(async () => {
    await daemon?.remove();
  });

  it('runs unprivileged, on the sysbox-runc runtime, with the volume on /var/lib/docker', async () => {
    const [inspect] = JSON.parse(await hostDocker(['inspect', name]));
    expect(inspect.HostConfig.Privileged).toBe(false);
    expect(inspect.HostConfig.Runtime).toBe(TEST_RUNTIME);
    expect(
      inspect.Mounts.find((m: { Destination: string }) => m.Destination === '/var/lib/docker').Name,
    ).toBe(daemon.volume);
  });

  it('runs the busybox image inside through the docker CLI over TLS', async () => {
    await loadImage(env, BUSYBOX_IMAGE);
    const out = await innerDocker(env, [
      'run',
      '--rm',
      BUSYBOX_IMAGE,
      'sh',
      '-c',
      'echo hello from $(hostname)',
    ]);
    expect(out.trim()).toMatch(/^hello from [0-9a-f]{12}$/);
    expect((await innerDocker(env, ['info', '--format', '{{.Driver}}'])).trim()).toBe('overlay2');
  });

  it('refuses clients without a certificate and listens on no plain port', async () => {
    const ca = readFileSync(join(clientDir, 'ca.pem'), 'utf8');
    expect(
      await tlsPing(ip, 2376, {
        ca,
        cert: readFileSync(join(clientDir, 'cert.pem'), 'utf8'),
        key: readFileSync(join(clientDir, 'key.pem'), 'utf8'),
      }),
    ).toBe('answered');
    expect(await tlsPing(ip, 2376, { ca })).toBe('refused');
    expect(await tcpOpen(ip, 2375)).toBe(false);
  });

  it('restarts a containerd that died, and the daemon runs containers again', async () => {
    const containerdPid = async () => (await hostDocker(['exec', name, 'pgrep', '-x', 'containerd'])).trim();
    const before = await containerdPid();
    await hostDocker(['exec', name, 'kill', '-KILL', before]);
    await waitFor('a new containerd', async () => {
      const now = await containerdPid();
      if (!now || now === before) throw new Error(`containerd pid ${now || 'none'}`);
    });
    await waitFor('a container run after the restart', () =>
      innerDocker(env, ['run', '--rm', BUSYBOX_IMAGE, 'true'], 20_000),
    );
    expect(await hostLogs(name)).toMatch(/containerd exited with status \d+; restart 1 of 3/);
  });

  it('reports healthy, and on SIGTERM stops its containers and exits cleanly', async () => {
    await waitFor('a healthy status', async () => {
      const status = (await hostDocker(['inspect', '--format', '{{.State.Health.Status}}', name])).trim();
      if (status !== 'healthy') throw new Error(status);
    });
    await innerDocker(env, ['run', '-d', '--name', 'sleeper', BUSYBOX_IMAGE, 'sleep', '600']);
    await hostDocker(['stop', '-t', '60', name]);
    // tini passes on dockerd's status: 0 means dockerd finished its shutdown (not SIGKILL: 137).
    expect((await hostDocker(['inspect', '--format', '{{.State.ExitCode}}', name])).trim()).toBe('0');
    // The data root is consistent: a new daemon on the same volume still has the image.
    await hostDocker(['start', name]);
    await waitFor('the daemon after restart', () => innerDocker(env, ['version'], 10_000));
    expect(await innerDocker(env, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])).toContain(
      BUSYBOX_IMAGE,
    );
    expect(
      (await innerDocker(env, ['ps', '-a', '--filter', 'name=sleeper', '--format', '{{.Status}}'])).trim(),
    ).toMatch(/^Exited/);
  });
});

describe.runIf(engineReady)('runner-image following the rest of the docker:dind contract', () => {
  const name = `sd-test-selfcert-${Math.random().toString(36).slice(2, 8)}`;
  afterAll(async () => {
    await hostDocker(['rm', '-f', '-v', name]).catch(() => undefined);
  });

  it('generates its own certificates when none are provided and serves only TLS', async () => {
    await hostDocker(['run', '-d', '--name', name, '--runtime', TEST_RUNTIME, RUNNER_IMAGE]);
    await waitFor(
      'self-generated certificates and a TLS daemon',
      () =>
        hostDocker([
          'exec',
          '-e',
          'DOCKER_HOST=tcp://docker:2376',
          '-e',
          'DOCKER_TLS_VERIFY=1',
          '-e',
          'DOCKER_CERT_PATH=/certs/client',
          '--',
          name,
          'sh',
          '-c',
          'grep -q docker /etc/hosts || echo "127.0.0.1 docker" >> /etc/hosts; docker version --format "{{.Server.Version}}"',
        ]),
      120_000,
    );
    const listing = await hostDocker([
      'exec',
      name,
      'sh',
      '-c',
      'stat -c "%n %a" /certs/client/*.pem | sort',
    ]);
    expect(listing).toContain('/certs/client/key.pem 600');
    expect(listing).toContain('/certs/client/cert.pem 644');
    const plain = await hostDocker([
      'exec',
      name,
      'sh',
      '-c',
      'docker -H tcp://127.0.0.1:2375 version >/dev/null 2>&1 && echo open || echo closed',
    ]);
    expect(plain.trim()).toBe('closed');
  });
});
