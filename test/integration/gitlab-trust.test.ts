/**
 * The GitLab driver's trust boundary, played as GitLab Runner drives it: a job's `variables:` can
 * override every CUSTOM_ENV_* value, so a job that claims another job's id, another project, a
 * protected ref or another concurrency id must get exactly what its own job response gives it.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE, RUNNER_IMAGE, engineReady, hostDocker } from '../support/engine.js';
import {
  CACHE_KEY_LABEL,
  JOB_LABEL,
  ROLE_LABEL,
  RunnerJob,
  SYSTEM_FAILURE,
  busyboxRepository,
  expectOnlyCacheLeft,
  removeProjectCache,
  resourcesOf,
  withSettings,
} from '../support/gitlab-runner.js';

const newProjectId = () => String(randomInt(100_000, 999_999));

/** A DinD job of a project whose script runs against the job's own daemon. */
function dindJob(
  projectId: string,
  script: string,
  options: { protectedRef?: boolean; jobVariables?: Record<string, string> } = {},
) {
  return {
    projectId,
    image: RUNNER_IMAGE,
    services: [{ name: 'docker:dind' }],
    repository: busyboxRepository,
    script,
    ...options,
  };
}

/** Runs a whole job; returns the build stage's output and the cache key its daemon had. */
async function runJob(job: RunnerJob): Promise<{ code: number | null; output: string; cacheKey: string }> {
  await job.config();
  const prepared = await job.prepare();
  expect(prepared.code, prepared.stdout + prepared.stderr).toBe(0);
  const cacheKey = (
    await hostDocker([
      'ps',
      '--filter',
      `label=${JOB_LABEL}`,
      '--filter',
      `label=${ROLE_LABEL}=daemon`,
      '--format',
      `{{.Label "${JOB_LABEL}"}} {{.Label "${CACHE_KEY_LABEL}"}}`,
    ])
  )
    .split('\n')
    .find((line) => line.includes(`/${job.jobId}/`))
    ?.split(' ')[1];
  const { build } = await job.stages();
  expect((await job.cleanup()).code).toBe(0);
  return {
    code: build.code,
    output: prepared.stdout + prepared.stderr + build.stdout,
    cacheKey: cacheKey ?? '',
  };
}

describe.runIf(engineReady)('GitLab driver trust boundary', () => {
  it('gives a job that forges CI_COMMIT_REF_PROTECTED the unprotected cache: it can neither read nor poison the protected one', async () => {
    const projectId = newProjectId();
    await withSettings(async (settingsFile) => {
      const protectedBuild = new RunnerJob(
        dindJob(
          projectId,
          `docker load -i busybox.tar && docker tag ${BUSYBOX_IMAGE} release/app:protected`,
          {
            protectedRef: true,
          },
        ),
        settingsFile,
      );
      const forger = new RunnerJob(
        dindJob(
          projectId,
          [
            'if docker image inspect release/app:protected >/dev/null 2>&1; then echo "READ PROTECTED"; fi',
            `docker load -i busybox.tar && docker tag ${BUSYBOX_IMAGE} release/app:poisoned`,
          ].join('\n'),
          { protectedRef: false, jobVariables: { CI_COMMIT_REF_PROTECTED: 'true' } },
        ),
        settingsFile,
      );
      const nextProtected = new RunnerJob(
        dindJob(
          projectId,
          'docker image inspect release/app:protected >/dev/null && echo "protected image kept"\n' +
            'if docker image inspect release/app:poisoned >/dev/null 2>&1; then echo "POISONED"; fi',
          { protectedRef: true },
        ),
        settingsFile,
      );
      try {
        const first = await runJob(protectedBuild);
        expect(first.code, protectedBuild.log.join('\n')).toBe(0);
        expect(first.cacheKey).toBe(`gitlab/gitlab.example.com/project-${projectId}/protected`);

        const forged = await runJob(forger);
        expect(forged.code, forger.log.join('\n')).toBe(0);
        expect(forged.cacheKey).toBe(`gitlab/gitlab.example.com/project-${projectId}/unprotected`);
        expect(forged.output).not.toContain('READ PROTECTED');
        expect(forged.output).toMatch(/the job sets CI_COMMIT_REF_PROTECTED="true" \(trusted: "false"\)/);

        const next = await runJob(nextProtected);
        expect(next.code, nextProtected.log.join('\n')).toBe(0);
        expect(next.output).toContain('protected image kept');
        expect(next.output).not.toContain('POISONED');
      } finally {
        for (const job of [protectedBuild, forger, nextProtected]) await job.dispose();
        await removeProjectCache(projectId);
      }
    });
  });

  it("gives a job that forges another project's id (and protection) its own project's cache", async () => {
    const victim = newProjectId();
    const attacker = newProjectId();
    await withSettings(async (settingsFile) => {
      const victimBuild = new RunnerJob(
        dindJob(victim, `docker load -i busybox.tar && docker tag ${BUSYBOX_IMAGE} victim/app:1`, {
          protectedRef: true,
        }),
        settingsFile,
      );
      const forger = new RunnerJob(
        dindJob(
          attacker,
          'if docker image inspect victim/app:1 >/dev/null 2>&1; then echo "READ VICTIM"; fi\necho done',
          { jobVariables: { CI_PROJECT_ID: victim, CI_COMMIT_REF_PROTECTED: 'true' } },
        ),
        settingsFile,
      );
      try {
        expect((await runJob(victimBuild)).code, victimBuild.log.join('\n')).toBe(0);
        const forged = await runJob(forger);
        expect(forged.code, forger.log.join('\n')).toBe(0);
        expect(forged.cacheKey).toBe(`gitlab/gitlab.example.com/project-${attacker}/unprotected`);
        expect(forged.output).toContain('done');
        expect(forged.output).not.toContain('READ VICTIM');
      } finally {
        await victimBuild.dispose();
        await forger.dispose();
        await removeProjectCache(victim);
        await removeProjectCache(attacker);
      }
    });
  });

  it("leaves a running job's container and network alone when another job forges its CI_JOB_ID", async () => {
    await withSettings(async (settingsFile) => {
      const running = new RunnerJob(
        { projectId: newProjectId(), image: BUSYBOX_IMAGE, script: 'echo "still mine"' },
        settingsFile,
      );
      const forger = new RunnerJob(
        {
          projectId: newProjectId(),
          image: BUSYBOX_IMAGE,
          script: 'echo forger',
          jobVariables: { CI_JOB_ID: running.jobId },
        },
        settingsFile,
      );
      try {
        await running.config();
        expect((await running.prepare()).code).toBe(0);
        const before = await resourcesOf(running.jobId);
        // The job container and the helper container.
        expect(before.containers.map((name) => name.replace(/.*-/, '')).sort()).toEqual(['helper', 'job']);
        expect(before.networks).toHaveLength(1);

        await forger.config();
        const prepared = await forger.prepare();
        expect(prepared.code, prepared.stdout + prepared.stderr).toBe(0);
        expect(prepared.stdout + prepared.stderr).toContain(`the job sets CI_JOB_ID="${running.jobId}"`);
        expect((await forger.stages()).build.code).toBe(0);
        expect((await forger.cleanup()).code).toBe(0);

        // Same container (same id), still running; same network.
        const after = await resourcesOf(running.jobId);
        expect(after).toEqual(before);
        expect(
          (await hostDocker(['inspect', '--format', '{{.State.Running}}', before.containers[0]!])).trim(),
        ).toBe('true');
        const { build } = await running.stages();
        expect(build.code, running.log.join('\n')).toBe(0);
        expect(build.stdout).toContain('still mine');
        expect((await running.cleanup()).code).toBe(0);
        await expectOnlyCacheLeft(running.jobId);
        await expectOnlyCacheLeft(forger.jobId);
      } finally {
        await running.dispose();
        await forger.dispose();
      }
    });
  });

  it('gives two running jobs that claim the same concurrency id and runner different builds directories', async () => {
    const projectId = newProjectId();
    await withSettings(async (settingsFile) => {
      const claims = { CI_CONCURRENT_PROJECT_ID: '0', CI_CONCURRENT_ID: '0', CI_RUNNER_SHORT_TOKEN: 'same' };
      const jobs = [0, 1, 2].map(
        () =>
          new RunnerJob(
            { projectId, image: BUSYBOX_IMAGE, script: 'true', jobVariables: claims },
            settingsFile,
          ),
      );
      try {
        const [a, b] = await Promise.all(jobs.slice(0, 2).map((job) => job.config()));
        expect(a!.builds_dir).not.toBe(b!.builds_dir);
        expect(a!.builds_dir_is_shared).toBe(false);
        // A finished job gives its directory back: the next job reuses it (and its checkout).
        expect((await jobs[0]!.cleanup()).code).toBe(0);
        const c = await jobs[2]!.config();
        expect(c.builds_dir).toBe(a!.builds_dir);
      } finally {
        for (const job of jobs) await job.dispose();
      }
    });
  });

  it('runs get_sources and the other git/gitlab-runner stages in a container, never on the runner host', async () => {
    await withSettings(async (settingsFile) => {
      const marker = join('/tmp', `host-marker-${randomBytes(6).toString('hex')}`);
      const job = new RunnerJob(
        {
          projectId: newProjectId(),
          image: BUSYBOX_IMAGE,
          // What a job controls in get_sources: a pre_get_sources_script hook, or GIT_SSH_COMMAND.
          getSources: [
            `touch ${marker}`,
            'if [ -e /var/run/docker.sock ]; then echo "engine socket: present"; else echo "engine socket: absent"; fi',
            'echo "fetched into $PWD"',
          ].join('\n'),
          script: 'ls',
        },
        settingsFile,
      );
      try {
        await job.config();
        expect((await job.prepare()).code).toBe(0);
        const { build } = await job.stages();
        expect(build.code, job.log.join('\n')).toBe(0);
        const log = job.log.join('\n');
        expect(log).toContain('engine socket: absent');
        expect(log).toContain(`fetched into ${job.projectDir}`);
        expect(existsSync(marker)).toBe(false);
      } finally {
        await job.dispose();
      }
    });
  });

  it("leaves no process of a stage behind once the runner SIGKILLs the driver's process group and cleans up", async () => {
    await withSettings(async (settingsFile) => {
      const marker = `stage-marker-${randomBytes(6).toString('hex')}`;
      const job = new RunnerJob(
        { projectId: newProjectId(), image: BUSYBOX_IMAGE, script: 'true' },
        settingsFile,
      );
      try {
        await job.config();
        expect((await job.prepare()).code).toBe(0);
        let killed = false;
        const stage = await job.run(
          'get_sources',
          // A clone that runs long, with a child of its own (as git's helpers are).
          `bash -c 'exec -a ${marker} sleep 300' &\necho started\nwait`,
          (child) => {
            child.stdout!.on('data', (chunk: Buffer) => {
              if (!killed && chunk.toString().includes('started')) {
                killed = true;
                process.kill(-child.pid!, 'SIGKILL');
              }
            });
          },
        );
        expect(killed, job.log.join('\n')).toBe(true);
        expect(stage.code).toBeNull();
        // What the runner does next: cleanup_exec.
        expect((await job.cleanup()).code).toBe(0);
        expect(await processesNamed(marker)).toEqual([]);
        await expectOnlyCacheLeft(job.jobId);
      } finally {
        await job.dispose();
      }
    });
  });

  it('refuses a job without a job response file (a runner older than 14.1) as a system failure, creating nothing', async () => {
    await withSettings(async (settingsFile) => {
      const job = new RunnerJob(
        { projectId: newProjectId(), image: BUSYBOX_IMAGE, script: 'true', jobResponseFile: false },
        settingsFile,
      );
      try {
        const config = await job.configure();
        expect(config.code).toBe(SYSTEM_FAILURE);
        expect(config.stderr).toContain('JOB_RESPONSE_FILE');
        expect(config.stderr).toContain('14.1');
        const prepared = await job.prepare();
        expect(prepared.code).toBe(SYSTEM_FAILURE);
        await expectOnlyCacheLeft(job.jobId);
      } finally {
        await job.dispose();
      }
    });
  });
});

/** Processes whose command line starts with this name. */
async function processesNamed(name: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(join('/proc', pid, 'cmdline'), 'utf8').catch(() => '');
    if (cmdline.startsWith(name)) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
  }
  return found;
}
