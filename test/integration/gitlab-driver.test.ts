/**
 * Plays GitLab Runner against `secure-dind gitlab`: the custom executor protocol as documented
 * (config_exec -> prepare_exec -> run_exec SCRIPT STAGE per stage in the runner's order ->
 * cleanup_exec), with the environment the runner sets (CUSTOM_ENV_*, TMPDIR, JOB_RESPONSE_FILE,
 * BUILD_EXIT_CODE_FILE, BUILD_FAILURE_EXIT_CODE, SYSTEM_FAILURE_EXIT_CODE) and stage scripts
 * written as the runner writes them (bash, set -eo pipefail, job variables exported in the script).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUSYBOX_IMAGE,
  DOCKER_CLI,
  RUNNER_IMAGE,
  TEST_RUNTIME,
  engineReady,
  hostDocker,
} from '../support/engine.js';

const CLI = resolve(process.env.SECURE_DIND_CLI ?? 'dist/cli.js');
// Deliberately not 1 and 2: the driver must take them from the environment.
const BUILD_FAILURE = 37;
const SYSTEM_FAILURE = 42;
const JOB_LABEL = 'dev.secure-dind.job';
const ROLE_LABEL = 'dev.secure-dind.role';
const CACHE_KEY_LABEL = 'dev.secure-dind.cache-key';

interface DriverResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function driver(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onStart?: (child: ChildProcess) => void,
): Promise<DriverResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, 'gitlab', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    onStart?.(child);
  });
}

/** Bash's $'...' quoting, as the runner uses for the eval'd script body. */
function ansiC(text: string): string {
  return `$'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

interface JobSpec {
  readonly projectId: string;
  readonly image: string;
  readonly services?: readonly { name: string; alias?: string; command?: string[] }[];
  /** Bodies of the user's stages (as .gitlab-ci.yml would give them). */
  readonly script: string;
  readonly afterScript?: string;
  /** Host-side get_sources body (stands in for the clone). */
  readonly getSources?: string;
}

/** One job as GitLab Runner drives a custom executor. */
class RunnerJob {
  readonly jobId = String(randomInt(100_000_000, 999_999_999));
  private root = '';
  private env: NodeJS.ProcessEnv = {};
  private projectDir = '';
  private scripts = 0;
  readonly log: string[] = [];

  constructor(
    private readonly spec: JobSpec,
    private readonly settingsFile: string,
  ) {}

  async config(): Promise<Record<string, unknown>> {
    this.root = await mkdtemp(join(tmpdir(), `gitlab-job-${this.jobId}-`));
    const responseFile = join(this.root, 'response.json');
    await writeFile(responseFile, JSON.stringify({ id: Number(this.jobId), token: 'job-token' }));
    const services = (this.spec.services ?? []).map((s) => ({
      name: s.name,
      alias: s.alias ?? '',
      entrypoint: null,
      command: s.command ?? null,
    }));
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: this.root,
      JOB_RESPONSE_FILE: responseFile,
      BUILD_EXIT_CODE_FILE: join(this.root, 'build-exit-code'),
      BUILD_FAILURE_EXIT_CODE: String(BUILD_FAILURE),
      SYSTEM_FAILURE_EXIT_CODE: String(SYSTEM_FAILURE),
      CUSTOM_ENV_CI_JOB_ID: this.jobId,
      CUSTOM_ENV_CI_PROJECT_ID: this.spec.projectId,
      CUSTOM_ENV_CI_PROJECT_PATH: 'group/project',
      CUSTOM_ENV_CI_CONCURRENT_PROJECT_ID: '0',
      CUSTOM_ENV_CI_RUNNER_SHORT_TOKEN: `t${this.jobId}`,
      CUSTOM_ENV_CI_SERVER_URL: 'https://gitlab.example.com',
      CUSTOM_ENV_CI_SERVER_HOST: 'gitlab.example.com',
      CUSTOM_ENV_CI_COMMIT_REF_PROTECTED: 'false',
      CUSTOM_ENV_CI_JOB_IMAGE: this.spec.image,
      CUSTOM_ENV_CI_JOB_SERVICES: JSON.stringify(services),
      CUSTOM_ENV_DOCKER_TLS_CERTDIR: '/certs',
    };
    const result = await driver(['config', '--config', this.settingsFile], this.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout) as { builds_dir: string; job_env?: Record<string, string> };
    // What the runner does with the answer: job_env for later driver calls, the builds directory for the job.
    Object.assign(this.env, config.job_env ?? {});
    this.projectDir = join(config.builds_dir, 'group', 'project');
    this.env.CUSTOM_ENV_CI_BUILDS_DIR = config.builds_dir;
    this.env.CUSTOM_ENV_CI_PROJECT_DIR = this.projectDir;
    return config;
  }

  prepare(): Promise<DriverResult> {
    return driver(['prepare'], this.env);
  }

  /** Writes the stage script the way the runner does and calls run_exec with it. */
  async run(stage: string, body: string, onStart?: (child: ChildProcess) => void): Promise<DriverResult> {
    const variables = [
      `export CI_JOB_ID=${ansiC(this.jobId)}`,
      `export CI_PROJECT_DIR=${ansiC(this.projectDir)}`,
      `export CI_BUILDS_DIR=${ansiC(this.env.CUSTOM_ENV_CI_BUILDS_DIR!)}`,
      `export DOCKER_TLS_CERTDIR=${ansiC('/certs')}`,
    ].join('\n');
    const cd = stage === 'get_sources' || stage === 'prepare_script' ? '' : `cd ${ansiC(this.projectDir)}\n`;
    const script = `#!/usr/bin/env bash\n\nset -eo pipefail\nset +o noclobber\n: | eval ${ansiC(`${variables}\n${cd}${body}\n`)}\nexit 0\n`;
    const path = join(this.root, `script${++this.scripts}-${stage}`);
    await writeFile(path, script, { mode: 0o700 });
    const result = await driver(['run', path, stage], this.env, onStart);
    this.log.push(`--- ${stage} (exit ${result.code})\n${result.stdout}${result.stderr}`);
    return result;
  }

  /** The runner's stage order after a successful prepare; returns the user script's result. */
  async stages(): Promise<{ build: DriverResult; after: DriverResult }> {
    const ok = async (stage: string, body: string) =>
      expect((await this.run(stage, body)).code, this.log.join('\n')).toBe(0);
    await ok('prepare_script', 'echo "Running on $(hostname)"');
    await ok(
      'get_sources',
      `mkdir -p "$CI_PROJECT_DIR" && cd "$CI_PROJECT_DIR"\n${this.spec.getSources ?? 'echo fetched'}`,
    );
    await ok('restore_cache', 'echo "no cache"');
    await ok('download_artifacts', 'echo "no artifacts"');
    const build = await this.run('build_script', this.spec.script);
    const after = await this.run('after_script', this.spec.afterScript ?? 'echo after');
    const passed = build.code === 0;
    await ok(passed ? 'archive_cache' : 'archive_cache_on_failure', 'echo "cache archived"');
    await ok(
      passed ? 'upload_artifacts_on_success' : 'upload_artifacts_on_failure',
      'echo "artifacts uploaded"',
    );
    await ok('cleanup_file_variables', 'echo "file variables removed"');
    return { build, after };
  }

  cleanup(): Promise<DriverResult> {
    return driver(['cleanup'], this.env);
  }

  buildExitCode(): Promise<string | undefined> {
    return readFile(this.env.BUILD_EXIT_CODE_FILE!, 'utf8').catch(() => undefined);
  }

  async dispose(): Promise<void> {
    if (this.root) {
      await this.cleanup().catch(() => undefined);
      await rm(this.root, { recursive: true, force: true });
    }
  }
}

interface Leftovers {
  containers: string[];
  networks: string[];
  volumes: { name: string; role: string }[];
}

/** Everything labelled with this job (the driver labels what it creates with the job id). */
async function resourcesOf(jobId: string): Promise<Leftovers> {
  const mine = (labels: Record<string, string> | null) => (labels?.[JOB_LABEL] ?? '').includes(jobId);
  const ids = async (kind: 'container' | 'network' | 'volume') =>
    (
      await hostDocker([
        kind,
        'ls',
        ...(kind === 'container' ? ['-a'] : []),
        '-q',
        '--filter',
        `label=${JOB_LABEL}`,
      ])
    )
      .split('\n')
      .filter(Boolean);
  const inspect = async (kind: string, list: string[]) =>
    list.length === 0
      ? []
      : (JSON.parse(await hostDocker([kind, 'inspect', ...list])) as {
          Name: string;
          Labels?: Record<string, string>;
          Config?: { Labels: Record<string, string> };
        }[]);
  const containers = (await inspect('container', await ids('container'))).filter((c) =>
    mine(c.Config?.Labels ?? null),
  );
  const networks = (await inspect('network', await ids('network'))).filter((n) => mine(n.Labels ?? null));
  const volumes = (await inspect('volume', await ids('volume'))).filter((v) => mine(v.Labels ?? null));
  return {
    containers: containers.map((c) => c.Name),
    networks: networks.map((n) => n.Name),
    volumes: volumes.map((v) => ({ name: v.Name, role: v.Labels?.[ROLE_LABEL] ?? '' })),
  };
}

async function expectOnlyCacheLeft(jobId: string): Promise<void> {
  const left = await resourcesOf(jobId);
  expect(left.containers).toEqual([]);
  expect(left.networks).toEqual([]);
  expect(left.volumes.filter((v) => v.role !== 'cache')).toEqual([]);
}

/** Cache volumes (and any daemon) of a test project, found by their cache-key label. */
async function removeProjectCache(projectId: string): Promise<void> {
  for (const kind of ['container', 'volume'] as const) {
    const format = kind === 'container' ? '{{.Names}} {{.Labels}}' : '{{.Name}} {{.Labels}}';
    const list = (await hostDocker([kind, 'ls', ...(kind === 'container' ? ['-a'] : []), '--format', format]))
      .split('\n')
      .filter((line) => line.includes(`${CACHE_KEY_LABEL}=`) && line.includes(`/project-${projectId}/`));
    for (const line of list) await hostDocker([kind, 'rm', '-f', line.split(' ')[0]!]).catch(() => undefined);
  }
}

async function withSettings<T>(work: (settingsFile: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'gitlab-driver-'));
  const settingsFile = join(dir, 'gitlab.json');
  await writeFile(
    settingsFile,
    JSON.stringify({
      runtime: TEST_RUNTIME,
      // Maps docker:dind (absent here, no registry) to the development DinD image.
      image: RUNNER_IMAGE,
      'default-image': BUSYBOX_IMAGE,
      'state-dir': join(dir, 'state'),
      'builds-dir': join(dir, 'builds'),
      'cache-dir': join(dir, 'cache'),
      'startup-timeout': '90s',
      'stop-timeout': '15s',
    }),
  );
  try {
    return await work(settingsFile, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const DIND_JOB = (projectId: string): JobSpec => ({
  projectId,
  image: RUNNER_IMAGE,
  services: [{ name: 'docker:dind' }],
  // The "repository" holds the image to run: the inner daemon has no registry to pull from.
  getSources: `DOCKER_HOST=unix:///var/run/docker.sock ${DOCKER_CLI} save ${BUSYBOX_IMAGE} -o busybox.tar`,
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
