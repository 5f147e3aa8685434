/**
 * The Action as GitHub's runner runs it: `node dist/main.js` and `node dist/post.js` (the committed
 * bundle named by action.yml) as child processes, with INPUT_* variables and the runner's file
 * commands, then `run:` steps with the exported environment, against the real engine.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/core/names.js';
import {
  BUSYBOX_IMAGE,
  DOCKER_CLI,
  RUNNER_IMAGE,
  TEST_RUNTIME,
  engineReady,
  hostDocker,
  hostEngineEnv,
  hostResources,
  removeHostResources,
} from '../support/engine.js';
import { GitHubRunnerJob, type StepResult, readStateFile } from '../support/github-runner.js';

const RUN = randomBytes(4).toString('hex');
/** Cache keys this file uses; their volumes are removed at the end. */
const keys: string[] = [];

function cacheKey(name: string): string {
  const key = `it-gh-${RUN}-${name}`;
  keys.push(key);
  return key;
}

/** Inputs every test passes: the development image and runtime, no runtime installation. */
function baseInputs(key: string): Record<string, string> {
  return { image: RUNNER_IMAGE, runtime: TEST_RUNTIME, 'install-runtime': 'never', 'cache-key': key };
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

function sessionIdOf(state: Record<string, string>): string {
  const parsed = JSON.parse(state.secure_dind ?? '{}') as { session?: { sessionId?: string } };
  if (!parsed.session?.sessionId) throw new Error(`no session in the saved state: ${JSON.stringify(state)}`);
  return parsed.session.sessionId;
}

/** `docker save` from the host engine piped into `docker load` run as a step (inside the DinD). */
async function loadBusybox(job: GitHubRunnerJob): Promise<StepResult> {
  const save = spawn(DOCKER_CLI, ['save', BUSYBOX_IMAGE], {
    env: hostEngineEnv(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const saved = new Promise<number | null>((resolve) => save.on('close', resolve));
  const load = await job.runStep(DOCKER_CLI, ['load'], {}, undefined, save.stdout);
  expect(await saved).toBe(0);
  return load;
}

function describeStep(step: StepResult): string {
  return `exit ${step.exitCode}\nstdout:\n${step.stdout}\nstderr:\n${step.stderr}`;
}

afterAll(async () => {
  if (!engineReady) return;
  // Only this file's resources: everything labelled with one of its cache keys.
  for (const key of keys) {
    await removeHostResources(`${LABELS.cacheKey}=${key}`);
  }
});

describe.runIf(engineReady)('GitHub Action (dist/main.js, dist/post.js) on a played runner', () => {
  it('gives later steps a daemon of their own and leaves only the cache volume; the next job hits the cache', async () => {
    const key = cacheKey('flow');
    const first = new GitHubRunnerJob({ repository: 'acme/app' });
    let sessionId: string | undefined;
    try {
      const main = await first.runAction('main', { ...baseInputs(key), 'set-context': 'true' });
      expect(main.exitCode, describeStep(main)).toBe(0);
      expect(main.errors).toEqual([]);
      sessionId = sessionIdOf(main.state);

      // Exported environment: mutual TLS, client certificates under RUNNER_TEMP, key readable by the owner only.
      expect(main.exported.DOCKER_HOST).toMatch(/^tcp:\/\/[^/]+:\d+$/);
      expect(main.exported.DOCKER_TLS_VERIFY).toBe('1');
      const certPath = main.exported.DOCKER_CERT_PATH!;
      expect(certPath.startsWith(first.runnerTemp)).toBe(true);
      expect(readdirSync(certPath).sort()).toEqual(expect.arrayContaining(['ca.pem', 'cert.pem', 'key.pem']));
      expect(statSync(join(certPath, 'key.pem')).mode & 0o077).toBe(0);

      // Outputs agree with the environment and with the host engine.
      expect(main.outputs['docker-host']).toBe(main.exported.DOCKER_HOST);
      expect(main.outputs['cert-path']).toBe(certPath);
      expect(main.outputs['cache-hit']).toBe('false');
      const [inspected] = JSON.parse(await hostDocker(['inspect', main.outputs['container-id']!])) as [
        { Config: { Labels: Record<string, string> }; HostConfig: { Runtime: string; Privileged: boolean } },
      ];
      expect(inspected.Config.Labels[LABELS.session]).toBe(sessionId);
      expect(inspected.Config.Labels[LABELS.cacheKey]).toBe(key);
      expect(inspected.HostConfig.Runtime).toBe(TEST_RUNTIME);
      expect(inspected.HostConfig.Privileged).toBe(false);
      const volumes = lines(
        await hostDocker([
          'volume',
          'ls',
          '--filter',
          `label=${LABELS.cacheKey}=${key}`,
          '--format',
          '{{.Name}}',
        ]),
      );
      expect(volumes).toContain(main.outputs['cache-volume']);

      // A step with the exported environment reaches the inner daemon over TLS.
      const version = await first.runStep(DOCKER_CLI, ['version', '--format', '{{.Server.Version}}']);
      expect(version.exitCode, describeStep(version)).toBe(0);
      const innerVersion = version.stdout.trim();
      const hostVersion = (await hostDocker(['version', '--format', '{{.Server.Version}}'])).trim();

      // The summary names the versions, runtime, cache state, volume and every phase.
      expect(main.summary).toContain(innerVersion);
      expect(main.summary).toContain(hostVersion);
      expect(main.summary).toContain(TEST_RUNTIME);
      expect(main.summary).toContain(main.outputs['cache-volume']);
      expect(main.summary).toMatch(/cold/);
      for (const phase of ['preflight', 'certs', 'container', 'ready']) expect(main.summary).toContain(phase);

      // Load the test image into the DinD and run a container there, as a workflow step would.
      const load = await loadBusybox(first);
      expect(load.exitCode, describeStep(load)).toBe(0);
      const name = `gh-step-${RUN}`;
      const token = `hello-${RUN}`;
      const run = await first.runStep(DOCKER_CLI, ['run', '--name', name, BUSYBOX_IMAGE, 'echo', token]);
      expect(run.exitCode, describeStep(run)).toBe(0);
      expect(run.stdout).toContain(token);
      const rm = await first.runStep(DOCKER_CLI, ['run', '--rm', BUSYBOX_IMAGE, 'echo', token]);
      expect(rm.stdout).toContain(token);
      const inner = await first.runStep(DOCKER_CLI, [
        'ps',
        '-a',
        '--filter',
        `name=${name}`,
        '--format',
        '{{.Names}}',
      ]);
      expect(lines(inner.stdout)).toEqual([name]);
      expect(
        lines(await hostDocker(['ps', '-a', '--filter', `name=${name}`, '--format', '{{.Names}}'])),
      ).toEqual([]);

      // set-context: the docker context reaches the same daemon without the exported variables.
      const viaContext = await first.runStep(DOCKER_CLI, ['ps', '-a', '--format', '{{.Names}}'], {
        DOCKER_HOST: undefined,
        DOCKER_TLS_VERIFY: undefined,
        DOCKER_CERT_PATH: undefined,
      });
      expect(viaContext.exitCode, describeStep(viaContext)).toBe(0);
      expect(lines(viaContext.stdout)).toContain(name);

      const post = await first.runAction('post', { ...baseInputs(key), 'set-context': 'true' });
      expect(post.exitCode, describeStep(post)).toBe(0);
      expect(post.errors).toEqual([]);
      expect(post.summary).toMatch(/torn down/);

      // Only the cache volume remains; certificates and the context are gone.
      const left = await hostResources(`${LABELS.session}=${sessionId}`);
      expect(left.containers).toEqual([]);
      expect(left.networks).toEqual([]);
      expect(left.volumes.filter((v) => v !== main.outputs['cache-volume'])).toEqual([]);
      expect(await hostDocker(['volume', 'inspect', main.outputs['cache-volume']!])).toContain(key);
      expect(existsSync(certPath)).toBe(false);
      const contexts = await first.runStep(DOCKER_CLI, ['context', 'ls', '--format', '{{.Name}}'], {
        DOCKER_HOST: undefined,
        DOCKER_TLS_VERIFY: undefined,
        DOCKER_CERT_PATH: undefined,
      });
      expect(lines(contexts.stdout)).not.toContain('secure-dind');
    } finally {
      first.dispose();
    }

    // The next job with the same key: cache hit, and the image loaded by the first job is there.
    const second = new GitHubRunnerJob({ repository: 'acme/app' });
    try {
      const main = await second.runAction('main', baseInputs(key));
      expect(main.exitCode, describeStep(main)).toBe(0);
      expect(main.outputs['cache-hit']).toBe('true');
      expect(main.summary).toMatch(/warm/);
      // The first job's image is in the volume, and the summary says how much it holds.
      expect(main.summary).toMatch(/\(\d+(\.\d+)? (KiB|MiB|GiB) in use\)/);
      const run = await second.runStep(DOCKER_CLI, ['run', '--rm', BUSYBOX_IMAGE, 'echo', 'again']);
      expect(run.exitCode, describeStep(run)).toBe(0);
      expect(run.stdout).toContain('again');
      const post = await second.runAction('post', baseInputs(key));
      expect(post.exitCode, describeStep(post)).toBe(0);
      const left = await hostResources(`${LABELS.session}=${sessionIdOf(main.state)}`);
      expect(left.containers).toEqual([]);
      expect(left.networks).toEqual([]);
    } finally {
      second.dispose();
    }
  });

  it('fails the step when the daemon never starts, and post leaves nothing behind', async () => {
    const key = cacheKey('nostart');
    const job = new GitHubRunnerJob();
    try {
      // busybox as the DinD image: the container runs, but no daemon ever answers.
      const main = await job.runAction('main', {
        ...baseInputs(key),
        image: BUSYBOX_IMAGE,
        cache: 'false',
        'startup-timeout': '2s',
      });
      expect(main.exitCode, describeStep(main)).not.toBe(0);
      expect(main.errors.length).toBeGreaterThan(0);
      expect(main.exported).toEqual({});
      expect(main.summary).toMatch(/launch failed/);
      const sessionId = sessionIdOf(main.state);

      const post = await job.runAction('post', { ...baseInputs(key), image: BUSYBOX_IMAGE, cache: 'false' });
      expect(post.exitCode, describeStep(post)).toBe(0);
      expect(post.errors).toEqual([]);
      expect(await hostResources(`${LABELS.session}=${sessionId}`)).toEqual({
        containers: [],
        networks: [],
        volumes: [],
      });
    } finally {
      job.dispose();
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'cancels a launch on %s: launch removes what it made, post finds nothing left',
    async (signal) => {
      const key = cacheKey(`cancel-${signal}`);
      const job = new GitHubRunnerJob();
      try {
        let sent = false;
        const main = await job.runAction(
          'main',
          { ...baseInputs(key), cache: 'false' },
          {
            onSpawn: (pid, stateFile) => {
              // Once launch has recorded the container it is about to create, cancel like the runner does.
              const timer = setInterval(() => {
                const state = readStateFile(stateFile).secure_dind;
                if (
                  state &&
                  (JSON.parse(state) as { session?: { containerName?: string } }).session?.containerName
                ) {
                  clearInterval(timer);
                  try {
                    process.kill(pid, signal);
                    sent = true;
                  } catch {
                    // already gone: launch finished before the signal (sent stays false)
                  }
                }
              }, 100);
              setTimeout(() => clearInterval(timer), 60_000).unref();
            },
          },
        );
        expect(sent).toBe(true);
        expect(main.exitCode, describeStep(main)).not.toBe(0);
        expect(main.errors.join('\n')).toContain(signal);
        const sessionId = sessionIdOf(main.state);
        // The aborted launch cleaned up after itself, before any post step.
        expect(await hostResources(`${LABELS.session}=${sessionId}`)).toEqual({
          containers: [],
          networks: [],
          volumes: [],
        });
        expect(readdirSync(job.runnerTemp)).toEqual([]);

        const post = await job.runAction('post', { ...baseInputs(key), cache: 'false' });
        expect(post.exitCode, describeStep(post)).toBe(0);
        expect(await hostResources(`${LABELS.session}=${sessionId}`)).toEqual({
          containers: [],
          networks: [],
          volumes: [],
        });
        expect(readdirSync(job.runnerTemp)).toEqual([]);
      } finally {
        job.dispose();
      }
    },
  );

  it('post does nothing, quietly, when main saved no state (it failed on its inputs)', async () => {
    const job = new GitHubRunnerJob();
    try {
      const main = await job.runAction('main', { ...baseInputs(cacheKey('badinput')), memory: 'lots' });
      expect(main.exitCode).not.toBe(0);
      expect(main.errors.join('\n')).toContain("input 'memory'");
      expect(main.state).toEqual({});
      const post = await job.runAction('post', baseInputs('unused'));
      expect(post.exitCode, describeStep(post)).toBe(0);
      expect(post.errors).toEqual([]);
      expect(post.warnings).toEqual([]);
      expect(post.summary).toBe('');
    } finally {
      job.dispose();
    }
  });
});
