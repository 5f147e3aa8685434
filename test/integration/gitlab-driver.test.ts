/**
 * The GitLab driver as GitLab Runner drives it (see test/support/gitlab-runner.ts for the runner
 * emulation): DinD jobs, failures, signals, missing images, concurrency.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE, RUNNER_IMAGE, engineReady, hostDocker, TEST_RUNTIME } from '../support/engine.js';
import {
  BUILD_FAILURE,
  JOB_LABEL,
  type JobSpec,
  ROLE_LABEL,
  RunnerJob,
  SYSTEM_FAILURE,
  busyboxRepository,
  expectOnlyCacheLeft,
  removeProjectCache,
  withSettings,
} from '../support/gitlab-runner.js';

const DIND_JOB = (projectId: string): JobSpec => ({
  projectId,
  image: RUNNER_IMAGE,
  services: [{ name: 'docker:dind' }],
  // The "repository" holds the image to run: the inner daemon has no registry to pull from.
  repository: busyboxRepository,
  script: [
    'echo "client: DOCKER_HOST=$DOCKER_HOST DOCKER_TLS_VERIFY=$DOCKER_TLS_VERIFY DOCKER_CERT_PATH=$DOCKER_CERT_PATH"',
    'docker load -i busybox.tar',
    `docker run --rm ${BUSYBOX_IMAGE} echo "hello from a container in the job's own daemon"`,
  ].join('\n'),
});

describe.runIf(engineReady)('GitLab custom executor driver', () => {
  it('runs a docker:dind job through the environment alone, then a second job finds the cache warm', async () => {
    const projectId = String(randomInt(100_000, 999_999));
    await withSettings(async (settingsFile) => {
      const first = new RunnerJob(DIND_JOB(projectId), settingsFile);
      const second = new RunnerJob(
        {
          projectId,
          image: RUNNER_IMAGE,
          services: [{ name: 'docker:dind' }],
          script: `docker image inspect ${BUSYBOX_IMAGE} >/dev/null && echo "image still there" && docker run --rm ${BUSYBOX_IMAGE} true`,
        },
        settingsFile,
      );
      try {
        await first.config();
        const prepared = await first.prepare();
        expect(prepared.code, prepared.stdout + prepared.stderr).toBe(0);

        // The DinD is the unprivileged, runtime-isolated kind, not a privileged docker:dind.
        const [daemon] = (
          await hostDocker([
            'ps',
            '-q',
            '--filter',
            `label=${JOB_LABEL}`,
            '--filter',
            `label=${ROLE_LABEL}=daemon`,
          ])
        )
          .split('\n')
          .filter(Boolean);
        expect(daemon).toBeDefined();
        const hostConfig = JSON.parse(
          await hostDocker(['inspect', '--format', '{{json .HostConfig}}', daemon!]),
        ) as {
          Runtime: string;
          Privileged: boolean;
        };
        expect(hostConfig).toMatchObject({ Runtime: TEST_RUNTIME, Privileged: false });

        const { build, after } = await first.stages();
        expect(build.code, first.log.join('\n')).toBe(0);
        expect(build.stdout).toContain("hello from a container in the job's own daemon");
        expect(build.stdout).toContain('DOCKER_TLS_VERIFY=1');
        expect(after.code).toBe(0);
        const cleaned = await first.cleanup();
        expect(cleaned.code).toBe(0);
        await expectOnlyCacheLeft(first.jobId);

        await second.config();
        expect((await second.prepare()).code).toBe(0);
        const warm = await second.stages();
        expect(warm.build.code, second.log.join('\n')).toBe(0);
        expect(warm.build.stdout).toContain('image still there');
        expect((await second.cleanup()).code).toBe(0);
        await expectOnlyCacheLeft(second.jobId);
      } finally {
        await first.dispose();
        await second.dispose();
        await removeProjectCache(projectId);
      }
    });
  });

  it('reports a failing script as a build failure with its exit code, and still runs after_script', async () => {
    await withSettings(async (settingsFile) => {
      const job = new RunnerJob(
        {
          projectId: String(randomInt(100_000, 999_999)),
          image: BUSYBOX_IMAGE,
          // A plain (non-DinD) service, reachable by GitLab's default name and by its alias.
          services: [{ name: BUSYBOX_IMAGE, alias: 'helper', command: ['sleep', '3600'] }],
          script: [
            'ping -c 1 -W 5 helper >/dev/null && ping -c 1 -W 5 secure-dind-busybox >/dev/null && echo "service reachable"',
            'echo "about to fail"',
            'false_status() { return 7; }',
            'false_status',
          ].join('\n'),
          afterScript: 'echo "after_script ran"',
        },
        settingsFile,
      );
      try {
        await job.config();
        expect((await job.prepare()).code).toBe(0);
        // The runner retries prepare: a second attempt replaces the first one's leftovers.
        const retried = await job.prepare();
        expect(retried.code, retried.stdout + retried.stderr).toBe(0);
        const { build, after } = await job.stages();
        expect(build.code, job.log.join('\n')).toBe(BUILD_FAILURE);
        expect(build.stdout).toContain('service reachable');
        expect(build.stdout).toContain('about to fail');
        expect((await job.buildExitCode())?.trim()).toBe('7');
        expect(after.code).toBe(0);
        expect(after.stdout).toContain('after_script ran');
        expect((await job.cleanup()).code).toBe(0);
        await expectOnlyCacheLeft(job.jobId);
      } finally {
        await job.dispose();
      }
    });
  });

  it('stops the script inside the job container on SIGTERM and exits promptly', async () => {
    await withSettings(async (settingsFile) => {
      const job = new RunnerJob(
        { projectId: String(randomInt(100_000, 999_999)), image: BUSYBOX_IMAGE, script: '' },
        settingsFile,
      );
      try {
        await job.config();
        expect((await job.prepare()).code).toBe(0);
        expect((await job.run('get_sources', 'mkdir -p "$CI_PROJECT_DIR"')).code).toBe(0);
        let sentAt = 0;
        const result = await job.run(
          'build_script',
          'echo started\nsleep 300\necho "not reached"',
          (child) => {
            child.stdout!.on('data', (chunk: Buffer) => {
              if (sentAt === 0 && chunk.toString().includes('started')) {
                sentAt = Date.now();
                child.kill('SIGTERM');
              }
            });
          },
        );
        expect(sentAt, job.log.join('\n')).toBeGreaterThan(0);
        expect(Date.now() - sentAt).toBeLessThan(15_000);
        expect(result.code).toBe(BUILD_FAILURE);
        expect(result.stdout).not.toContain('not reached');
        const [container] = (
          await hostDocker([
            'ps',
            '-q',
            '--filter',
            `label=${JOB_LABEL}`,
            '--filter',
            `label=${ROLE_LABEL}=job`,
          ])
        )
          .split('\n')
          .filter(Boolean);
        expect(await hostDocker(['top', container!])).not.toContain('sleep 300');
      } finally {
        await job.dispose();
      }
      await expectOnlyCacheLeft(job.jobId);
    });
  });

  it('fails prepare with the system failure code when a service image does not exist, leaving nothing', async () => {
    await withSettings(async (settingsFile) => {
      const job = new RunnerJob(
        {
          projectId: String(randomInt(100_000, 999_999)),
          image: BUSYBOX_IMAGE,
          services: [{ name: 'docker:dind' }, { name: 'secure-dind/no-such-image:never' }],
          script: 'true',
        },
        settingsFile,
      );
      try {
        await job.config();
        const prepared = await job.prepare();
        expect(prepared.code).toBe(SYSTEM_FAILURE);
        expect(prepared.stderr).toContain('secure-dind/no-such-image:never');
        await expectOnlyCacheLeft(job.jobId);
        expect((await job.cleanup()).code).toBe(0);
        await expectOnlyCacheLeft(job.jobId);
      } finally {
        await job.dispose();
      }
    });
  });

  it('runs two docker:dind jobs of one project at once on one host', async () => {
    const projectId = String(randomInt(100_000, 999_999));
    await withSettings(async (settingsFile) => {
      const jobs = [
        new RunnerJob(DIND_JOB(projectId), settingsFile),
        new RunnerJob(DIND_JOB(projectId), settingsFile),
      ];
      try {
        const results = await Promise.all(
          jobs.map(async (job) => {
            await job.config();
            const prepared = await job.prepare();
            expect(prepared.code, prepared.stdout + prepared.stderr).toBe(0);
            const { build } = await job.stages();
            await job.cleanup();
            return build;
          }),
        );
        for (const [i, build] of results.entries()) {
          expect(build.code, jobs[i]!.log.join('\n')).toBe(0);
          expect(build.stdout).toContain("hello from a container in the job's own daemon");
        }
        for (const job of jobs) await expectOnlyCacheLeft(job.jobId);
      } finally {
        for (const job of jobs) await job.dispose();
        await removeProjectCache(projectId);
      }
    });
  });
});
