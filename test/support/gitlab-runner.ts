/**
 * Plays GitLab Runner against `secure-dind gitlab`: the custom executor protocol as documented
 * (config_exec -> prepare_exec -> run_exec SCRIPT STAGE per stage in the runner's order ->
 * cleanup_exec), with the environment the runner sets (CUSTOM_ENV_*, TMPDIR, JOB_RESPONSE_FILE,
 * BUILD_EXIT_CODE_FILE, BUILD_FAILURE_EXIT_CODE, SYSTEM_FAILURE_EXIT_CODE), the job response file
 * as the runner writes it (what the server sent: id, token, job_info, git_info, image, services,
 * variables), and stage scripts written as the runner writes them (bash, set -eo pipefail, job
 * variables exported in the script).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { BASE_IMAGE, BUSYBOX_IMAGE, RUNNER_IMAGE, TEST_RUNTIME, hostDocker } from './engine.js';

export const CLI = resolve(process.env.SECURE_DIND_CLI ?? 'dist/cli.js');
// Deliberately not 1 and 2: the driver must take them from the environment.
export const BUILD_FAILURE = 37;
export const SYSTEM_FAILURE = 42;
export const JOB_LABEL = 'dev.secure-dind.job';
export const ROLE_LABEL = 'dev.secure-dind.role';
export const CACHE_KEY_LABEL = 'dev.secure-dind.cache-key';

export interface DriverResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function driver(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onStart?: (child: ChildProcess) => void,
): Promise<DriverResult> {
  return new Promise((resolvePromise, reject) => {
    // GitLab Runner starts each driver call in a process group of its own, which it signals as a
    // whole (SIGTERM, then SIGKILL after graceful_kill_timeout).
    const child = spawn(process.execPath, [CLI, 'gitlab', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
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
export function ansiC(text: string): string {
  return `$'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** A service as .gitlab-ci.yml names it (the runner sends these fields in the job response). */
export interface ServiceSpec {
  readonly name: string;
  readonly alias?: string;
  readonly entrypoint?: string[];
  readonly command?: string[];
  readonly variables?: Readonly<Record<string, string>>;
  readonly pull_policy?: string | string[];
}

export interface JobSpec {
  readonly projectId: string;
  readonly image: string;
  /** `image: {entrypoint, pull_policy}` beside the name. */
  readonly imageOptions?: { readonly entrypoint?: string[]; readonly pull_policy?: string | string[] };
  readonly services?: readonly ServiceSpec[];
  /** The job response's `credentials` (the server's registry logins for the job). */
  readonly credentials?: readonly { type: string; url: string; username: string; password: string }[];
  /** Bodies of the user's stages (as .gitlab-ci.yml would give them). */
  readonly script: string;
  readonly afterScript?: string;
  /** get_sources body, run in the helper container (stands in for the clone). */
  readonly getSources?: string;
  /** Puts the repository's files into the project directory on the host before get_sources. */
  readonly repository?: (projectDir: string) => Promise<void>;
  /** git_info.protected in the job response (what the server says about the ref). */
  readonly protectedRef?: boolean;
  /**
   * The job's own `variables:`: they override predefined variables in CUSTOM_ENV_* exactly as
   * GitLab's variable precedence does, but never reach the job response.
   */
  readonly jobVariables?: Readonly<Record<string, string>>;
  /** false: a runner older than 14.1, which writes no job response file. */
  readonly jobResponseFile?: boolean;
}

/** One job as GitLab Runner drives a custom executor. */
export class RunnerJob {
  readonly jobId = String(randomInt(100_000_000, 999_999_999));
  private root = '';
  private env: NodeJS.ProcessEnv = {};
  projectDir = '';
  private scripts = 0;
  readonly log: string[] = [];

  constructor(
    private readonly spec: JobSpec,
    private readonly settingsFile: string,
  ) {}

  /** config_exec, answered as the runner uses the answer. */
  async config(): Promise<Record<string, unknown>> {
    const result = await this.configure();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const config = JSON.parse(result.stdout) as { builds_dir: string; job_env?: Record<string, string> };
    // What the runner does with the answer: job_env for later driver calls, the builds directory for the job.
    Object.assign(this.env, config.job_env ?? {});
    this.projectDir = join(config.builds_dir, this.projectPath);
    this.env.CUSTOM_ENV_CI_BUILDS_DIR = config.builds_dir;
    this.env.CUSTOM_ENV_CI_PROJECT_DIR = this.projectDir;
    return config;
  }

  /** The job's TMPDIR (the runner's per-job temporary directory: scripts, job response). */
  get tmpdir(): string {
    return this.root;
  }

  get projectPath(): string {
    return `group/project-${this.spec.projectId}`;
  }

  /** Sets up the job's files and environment and calls config_exec; no expectations. */
  async configure(): Promise<DriverResult> {
    this.root = await mkdtemp(join(tmpdir(), `gitlab-job-${this.jobId}-`));
    const responseFile = join(this.root, 'response.json');
    const token = `glcbt-${randomBytes(12).toString('hex')}`;
    const projectPath = this.projectPath;
    const services = (this.spec.services ?? []).map((s) => ({
      name: s.name,
      alias: s.alias ?? '',
      entrypoint: s.entrypoint ?? null,
      command: s.command ?? null,
      ...(s.variables ? { variables: s.variables } : {}),
      ...(s.pull_policy ? { pull_policy: s.pull_policy } : {}),
    }));
    const predefined: Record<string, string> = {
      CI_JOB_ID: this.jobId,
      CI_JOB_TOKEN: token,
      CI_PROJECT_ID: this.spec.projectId,
      CI_PROJECT_PATH: projectPath,
      CI_CONCURRENT_PROJECT_ID: '0',
      CI_RUNNER_SHORT_TOKEN: 'runner01',
      CI_SERVER_URL: 'https://gitlab.example.com',
      CI_SERVER_HOST: 'gitlab.example.com',
      CI_COMMIT_REF_PROTECTED: String(this.spec.protectedRef ?? false),
      CI_JOB_IMAGE: this.spec.image,
      CI_JOB_SERVICES: JSON.stringify(services),
      DOCKER_TLS_CERTDIR: '/certs',
    };
    if (this.spec.jobResponseFile !== false) {
      await writeFile(
        responseFile,
        JSON.stringify({
          id: Number(this.jobId),
          token,
          allow_git_fetch: true,
          job_info: {
            name: 'test',
            stage: 'test',
            project_id: Number(this.spec.projectId),
            project_name: 'project',
          },
          git_info: {
            repo_url: `https://gitlab-ci-token:${token}@gitlab.example.com/${projectPath}.git`,
            ref: 'main',
            sha: '0'.repeat(40),
            ref_type: 'branch',
            protected: this.spec.protectedRef ?? false,
          },
          runner_info: { timeout: 3600 },
          variables: Object.entries(predefined).map(([key, value]) => ({
            key,
            value,
            public: true,
            masked: false,
          })),
          image: { name: this.spec.image, ...this.spec.imageOptions },
          services,
          ...(this.spec.credentials ? { credentials: this.spec.credentials } : {}),
        }),
      );
    }
    const variables = { ...predefined, ...this.spec.jobVariables };
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: this.root,
      ...(this.spec.jobResponseFile !== false ? { JOB_RESPONSE_FILE: responseFile } : {}),
      BUILD_EXIT_CODE_FILE: join(this.root, 'build-exit-code'),
      BUILD_FAILURE_EXIT_CODE: String(BUILD_FAILURE),
      SYSTEM_FAILURE_EXIT_CODE: String(SYSTEM_FAILURE),
      ...Object.fromEntries(Object.entries(variables).map(([key, value]) => [`CUSTOM_ENV_${key}`, value])),
    };
    return driver(['config', '--config', this.settingsFile], this.env);
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
    if (this.spec.repository) {
      await mkdir(this.projectDir, { recursive: true });
      await this.spec.repository(this.projectDir);
    }
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

export interface Leftovers {
  containers: string[];
  networks: string[];
  volumes: { name: string; role: string }[];
}

/** Everything labelled with this job (the driver labels what it creates with the job id). */
export async function resourcesOf(jobId: string): Promise<Leftovers> {
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
  // One at a time: other tests' resources may vanish between the listing and the look.
  const inspect = async (kind: string, list: string[]) =>
    (
      await Promise.all(
        list.map((id) =>
          hostDocker([kind, 'inspect', id]).then(
            (text) =>
              JSON.parse(text) as {
                Name: string;
                Labels?: Record<string, string>;
                Config?: { Labels: Record<string, string> };
              }[],
            () => [],
          ),
        ),
      )
    ).flat();
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

export async function expectOnlyCacheLeft(jobId: string): Promise<void> {
  const left = await resourcesOf(jobId);
  expect(left.containers).toEqual([]);
  expect(left.networks).toEqual([]);
  expect(left.volumes.filter((v) => v.role !== 'cache')).toEqual([]);
}

/** Cache volumes (and any daemon) of a test project, found by their cache-key label. */
export async function removeProjectCache(projectId: string): Promise<void> {
  for (const kind of ['container', 'volume'] as const) {
    const format = kind === 'container' ? '{{.Names}} {{.Labels}}' : '{{.Name}} {{.Labels}}';
    const list = (await hostDocker([kind, 'ls', ...(kind === 'container' ? ['-a'] : []), '--format', format]))
      .split('\n')
      .filter((line) => line.includes(`${CACHE_KEY_LABEL}=`) && line.includes(`/project-${projectId}/`));
    for (const line of list) await hostDocker([kind, 'rm', '-f', line.split(' ')[0]!]).catch(() => undefined);
  }
}

export async function withSettings<T>(
  work: (settingsFile: string, dir: string) => Promise<T>,
  extra: Readonly<Record<string, string>> = {},
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'gitlab-driver-'));
  const settingsFile = join(dir, 'gitlab.json');
  await writeFile(
    settingsFile,
    JSON.stringify({
      runtime: TEST_RUNTIME,
      // Maps docker:dind (absent here, no registry) to the development DinD image.
      image: RUNNER_IMAGE,
      'default-image': BUSYBOX_IMAGE,
      'helper-image': BASE_IMAGE,
      'state-dir': join(dir, 'state'),
      'builds-dir': join(dir, 'builds'),
      'cache-dir': join(dir, 'cache'),
      'startup-timeout': '90s',
      'stop-timeout': '15s',
      ...extra,
    }),
  );
  try {
    return await work(settingsFile, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The repository of the DinD test jobs: the image to run (the inner daemon has no registry). */
export async function busyboxRepository(projectDir: string): Promise<void> {
  await hostDocker(['save', BUSYBOX_IMAGE, '-o', join(projectDir, 'busybox.tar')]);
}
