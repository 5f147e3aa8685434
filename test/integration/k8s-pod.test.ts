/**
 * The rendered ARC runner pod, run on the real engine by an emulation of kubelet's pod semantics
 * (test/support/kubelet.ts; not a cluster test: no kubelet, no user namespace, the Sysbox
 * stand-in as the runtime). The sidecar image carries a bundle built from the current sources.
 * What a user observes: the runner reaches its daemon over mutual TLS and builds and runs there;
 * the client key is the runner's alone; another pod cannot reach the daemon; the sidecar stops
 * gracefully within the grace period; a second sidecar cannot take the leased cache; the next
 * pod on the same claim finds the images the first one left.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSessionConfig } from '../../src/core/config.js';
import { parseK8sOptions } from '../../src/k8s/options.js';
import { arcPodTemplate } from '../../src/k8s/render.js';
import { BUSYBOX_IMAGE, DOCKER_CLI, engineReady, hostDocker, hostEngineEnv } from '../support/engine.js';
import { uniqueKey } from '../support/inner.js';
import { EmulatedPod, type PodSpec } from '../support/kubelet.js';

const execFileAsync = promisify(execFile);
const SIDECAR_BASE = 'secure-dind/runner-image:dev';
const RUNNER_IMAGE = 'secure-dind/base:bookworm';

describe.runIf(engineReady)('ARC runner pod, emulated kubelet pod semantics', () => {
  const id = uniqueKey('k8s');
  const network = `${id}-net`;
  const claimVolume = `${id}-cache`;
  const sidecarImage = `secure-dind/sidecar:${id}`;
  let bundleDir = '';
  let spec: PodSpec;
  const pods: EmulatedPod[] = [];

  beforeAll(async () => {
    // A bundle of the current sources, in a temporary directory, under the sidecar image.
    bundleDir = await mkdtemp(join(tmpdir(), 'sd-k8s-bundle-'));
    await execFileAsync(process.execPath, ['scripts/build.mjs'], {
      env: { ...process.env, SECURE_DIND_BUILD_OUTDIR: bundleDir },
    });
    await execFileAsync('bash', ['sidecar-image/build.sh', sidecarImage, bundleDir, SIDECAR_BASE], {
      env: { ...hostEngineEnv(), DOCKER: DOCKER_CLI },
    });
    await hostDocker(['network', 'create', network]);
    await hostDocker(['volume', 'create', claimVolume]);
    const config = parseSessionConfig({ image: sidecarImage, 'cache-slots': '1', cpus: '2', memory: '2g' });
    const options = parseK8sOptions({ 'runner-image': RUNNER_IMAGE, 'cache-claim': 'ci-cache' });
    spec = (arcPodTemplate(config, options) as { spec: PodSpec }).spec;
  });

  afterAll(async () => {
    for (const pod of pods) await pod.remove();
    await hostDocker(['rm', '-f', '-v', `${id}-intruder`]).catch(() => undefined);
    await hostDocker(['network', 'rm', network]).catch(() => undefined);
    await hostDocker(['volume', 'rm', '-f', claimVolume]).catch(() => undefined);
    await hostDocker(['rmi', sidecarImage]).catch(() => undefined);
    await rm(bundleDir, { recursive: true, force: true });
  });

  const runPod = async (name: string): Promise<EmulatedPod> => {
    const pod = await EmulatedPod.run(`${id}-${name}`, spec, {
      network,
      claims: { 'ci-cache': claimVolume },
      // ARC's run.sh needs GitHub; the job's commands are run with docker exec instead. Like the
      // runner, it exits on SIGTERM (a container ignoring it would use up the pod's grace period).
      commandOverrides: { runner: ['sh', '-c', "trap 'exit 0' TERM; sleep 2147483647 & wait"] },
    });
    pods.push(pod);
    return pod;
  };

  it('serves the runner over mTLS, isolates the daemon, stops gracefully and keeps the cache', async () => {
    const first = await runPod('pod1');
    console.log(`sidecar startup probe passed ${first.startupMs.get('secure-dind')} ms after its start`);

    // The runner's docker CLI, with the rendered DOCKER_HOST/TLS variables, reaches the daemon.
    const version = await first.exec('runner', ['docker', 'version', '--format', '{{.Server.Version}}']);
    expect(version.trim()).toMatch(/^\d+\.\d+/);
    expect((await first.exec('runner', ['sh', '-c', 'echo $DOCKER_HOST $DOCKER_TLS_VERIFY'])).trim()).toBe(
      'tcp://localhost:2376 1',
    );

    // The client key is the runner's (uid 1001, 0600, directory 0700): another user cannot read it.
    expect(
      (await first.exec('runner', ['stat', '-c', '%u %a', '/certs/client', '/certs/client/key.pem'])).split(
        '\n',
      ),
    ).toEqual(['1001 700', '1001 600', '']);
    await expect(first.exec('runner', ['cat', '/certs/client/key.pem'], 10_000, '1002')).rejects.toThrow(
      /Permission denied/,
    );

    // docker run and docker build inside, over TLS.
    await execFileAsync(
      'bash',
      [
        '-c',
        `"${DOCKER_CLI}" save ${BUSYBOX_IMAGE} | "${DOCKER_CLI}" exec -i ${first.containers.get('runner')} docker load`,
      ],
      {
        env: hostEngineEnv(),
      },
    );
    expect(
      (
        await first.exec('runner', ['docker', 'run', '--rm', BUSYBOX_IMAGE, 'echo', 'hello from the pod'])
      ).trim(),
    ).toBe('hello from the pod');
    await first.exec('runner', [
      'sh',
      '-c',
      `mkdir -p /tmp/app && printf 'FROM ${BUSYBOX_IMAGE}\\nRUN echo built > /built\\n' > /tmp/app/Dockerfile && docker build -q -t sd-k8s-cached:1 /tmp/app`,
    ]);
    expect(
      (await first.exec('runner', ['docker', 'run', '--rm', 'sd-k8s-cached:1', 'cat', '/built'])).trim(),
    ).toBe('built');

    // Another pod on the same network: the daemon's port on this pod's IP refuses (nothing listens
    // there; the refusal also shows the IP is reachable), and its own loopback has no daemon.
    const other = await EmulatedPod.run(
      `${id}-pod2`,
      { containers: [{ name: 'probe', image: RUNNER_IMAGE, command: ['sleep', 'infinity'] }] },
      { network },
    );
    pods.push(other);
    for (const host of [first.ip, '127.0.0.1']) {
      const attempt = await other
        .exec('probe', ['bash', '-c', `timeout 5 bash -c '</dev/tcp/${host}/2376' 2>&1 || echo "exit $?"`])
        .catch((error: Error) => error.message);
      expect(attempt).toMatch(/Connection refused/);
    }
    await other.remove();

    // A second daemon on the same claim (cache-slots 1) must not use the leased cache.
    const intruder = await execFileAsync(
      DOCKER_CLI,
      [
        'run',
        '--name',
        `${id}-intruder`,
        '--runtime',
        'sysbox-runc',
        '--network',
        network,
        '--env',
        'SECURE_DIND_CACHE_SLOTS=1',
        '--mount',
        `type=volume,src=${claimVolume},dst=/var/lib/secure-dind`,
        sidecarImage,
      ],
      { env: hostEngineEnv(), timeout: 60_000 },
    ).then(
      () => 'exit 0',
      (error: { code?: number; stderr?: string }) => `exit ${error.code}: ${error.stderr}`,
    );
    expect(intruder).toMatch(/^exit 1: .*all 1 cache slots under \/var\/lib\/secure-dind are leased/s);

    // Kubelet's teardown: the runner, then the sidecar's preStop and SIGTERM within the grace period.
    const report = await first.stop();
    expect(report.exitCodes).toEqual({ 'secure-dind': 0, runner: 0 });
    expect(report.milliseconds).toBeLessThan((spec.terminationGracePeriodSeconds ?? 30) * 1000);
    expect(report.logs['secure-dind']).toMatch(/dockerd stopped cleanly/);
    console.log(
      report.logs['secure-dind']!.split('\n')
        .filter((line) => line.includes('secure-dind'))
        .join('\n'),
    );
    console.log(`teardown took ${report.milliseconds} ms (grace ${spec.terminationGracePeriodSeconds} s)`);

    // The next pod on the claim starts with the images and build cache the first one left.
    const next = await runPod('pod3');
    expect(
      (
        await next.exec('runner', ['docker', 'image', 'inspect', '--format', '{{.Id}}', 'sd-k8s-cached:1'])
      ).trim(),
    ).toMatch(/^sha256:/);
    expect(
      (await next.exec('runner', ['docker', 'run', '--rm', 'sd-k8s-cached:1', 'cat', '/built'])).trim(),
    ).toBe('built');
    const nextReport = await next.stop();
    expect(nextReport.exitCodes['secure-dind']).toBe(0);
  });
});
