/**
 * The GitLab driver's image handling as GitLab Runner drives it: private images pulled with the
 * job's DOCKER_AUTH_CONFIG from a registry that requires a login, pull policies (the job's and the
 * runner administrator's), and the job image's entrypoint wrapping the job's scripts.
 */
import { randomInt } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE, engineReady, hostDocker } from '../support/engine.js';
import {
  BUILD_FAILURE,
  type JobSpec,
  RunnerJob,
  expectOnlyCacheLeft,
  resourcesOf,
  withSettings,
} from '../support/gitlab-runner.js';
import { startPrivateRegistry } from '../support/registry.js';

const projectId = () => String(randomInt(100_000, 999_999));

/** Every file below `dir` whose content contains `needle` (symlinks and unreadable files skipped). */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesContaining(path, needle)));
    else if (entry.isFile() && (await readFile(path, 'utf8').catch(() => '')).includes(needle))
      found.push(path);
  }
  return found;
}

/** get_sources (creating the project directory, as a clone would) then the build script. */
async function build(job: RunnerJob, script: string) {
  const sources = await job.run('get_sources', 'mkdir -p "$CI_PROJECT_DIR"');
  expect(sources.code, sources.stderr).toBe(0);
  return job.run('build_script', script);
}

async function withJob(spec: JobSpec, settingsFile: string, work: (job: RunnerJob) => Promise<void>) {
  const job = new RunnerJob(spec, settingsFile);
  try {
    await job.config();
    await work(job);
  } finally {
    await job.dispose();
  }
  await expectOnlyCacheLeft(job.jobId);
}

describe.runIf(engineReady)('GitLab driver: images', () => {
  it('pulls a private job image with DOCKER_AUTH_CONFIG, fails clearly without it, and leaves no credential behind', async () => {
    const registry = await startPrivateRegistry(BUSYBOX_IMAGE);
    try {
      await withSettings(async (settingsFile, dir) => {
        const spec: JobSpec = {
          projectId: projectId(),
          image: registry.image,
          script: 'echo "private image ran"',
        };

        await withJob(spec, settingsFile, async (job) => {
          const prepared = await job.prepare();
          expect(prepared.code, prepared.stdout + prepared.stderr).toBe(BUILD_FAILURE);
          expect(prepared.stderr).toContain(registry.image);
          expect(prepared.stderr).toMatch(/no basic auth credentials|unauthorized|authentication required/i);
        });

        const withAuth: JobSpec = {
          ...spec,
          jobVariables: { DOCKER_AUTH_CONFIG: registry.dockerAuthConfig },
        };
        let root = '';
        await withJob(withAuth, settingsFile, async (job) => {
          const prepared = await job.prepare();
          expect(prepared.code, prepared.stdout + prepared.stderr).toBe(0);
          expect(prepared.stdout).toContain('Authenticating with credentials from $DOCKER_AUTH_CONFIG');
          const built = await build(job, spec.script);
          expect(built.code, built.stderr).toBe(0);
          expect(built.stdout).toContain('private image ran');
          // Nothing the driver created carries the password: not an environment, not a label.
          const inspected = await hostDocker(['inspect', ...(await resourcesOf(job.jobId)).containers]);
          expect(inspected).toContain(job.jobId);
          expect(inspected).not.toContain(registry.password);
          expect(inspected).not.toContain(
            Buffer.from(`${registry.username}:${registry.password}`).toString('base64'),
          );
          expect(prepared.stdout + prepared.stderr + built.stdout + built.stderr).not.toContain(
            registry.password,
          );
          expect((await job.cleanup()).code).toBe(0);
          root = job.tmpdir;
          for (const place of [dir, root]) {
            for (const secret of [
              registry.password,
              Buffer.from(`${registry.username}:${registry.password}`).toString('base64'),
            ]) {
              expect(await filesContaining(place, secret), place).toEqual([]);
            }
          }
        });
      });
    } finally {
      await registry.dispose();
    }
  });

  it('refuses a missing image under pull_policy never, and a pull policy the administrator does not allow, as build failures', async () => {
    await withSettings(
      async (settingsFile) => {
        const missing = `secure-dind/absent-${randomInt(1e9)}:never`;
        await withJob(
          { projectId: projectId(), image: missing, imageOptions: { pull_policy: 'never' }, script: 'true' },
          settingsFile,
          async (job) => {
            const prepared = await job.prepare();
            expect(prepared.code).toBe(BUILD_FAILURE);
            expect(prepared.stderr).toContain(missing);
            expect(prepared.stderr).toContain('pull_policy never');
          },
        );
        await withJob(
          {
            projectId: projectId(),
            image: BUSYBOX_IMAGE,
            services: [{ name: BUSYBOX_IMAGE, alias: 'svc', pull_policy: ['always'] }],
            script: 'true',
          },
          settingsFile,
          async (job) => {
            const prepared = await job.prepare();
            expect(prepared.code).toBe(BUILD_FAILURE);
            expect(prepared.stderr).toContain(
              `pull_policy [always] set by the job (pull_policy in .gitlab-ci.yml) is not one of the allowed-pull-policies [if-not-present, never]`,
            );
          },
        );
      },
      { 'allowed-pull-policies': 'if-not-present,never' },
    );
  });

  it("runs the job's scripts through an image entrypoint override, as the Docker executor does", async () => {
    await withSettings(async (settingsFile) => {
      const spec: JobSpec = {
        projectId: projectId(),
        image: BUSYBOX_IMAGE,
        imageOptions: {
          entrypoint: [
            'sh',
            '-c',
            'echo "entrypoint ran" >&2; export FROM_ENTRYPOINT=wrapped; exec "$@"',
            '--',
          ],
        },
        script: 'echo "variable: $FROM_ENTRYPOINT"',
      };
      await withJob(spec, settingsFile, async (job) => {
        expect((await job.prepare()).code).toBe(0);
        const built = await build(job, spec.script);
        expect(built.code, built.stderr).toBe(0);
        expect(built.stderr).toContain('entrypoint ran');
        expect(built.stdout).toContain('variable: wrapped');
        const failing = await job.run('after_script', 'exit 7');
        expect(failing.code).toBe(BUILD_FAILURE);
      });
    });
  });
});
