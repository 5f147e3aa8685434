/**
 * The stage dispatch as GitLab Runner observes it: the exit status and what the process writes.
 * Every case ends before the Docker engine would be called.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_FORM } from '../../../src/core/image-ref.js';
import { DRIVER_USAGE } from '../../../src/gitlab/arguments.js';
import { runDriver } from '../../../src/gitlab/main.js';

const BUILD_FAILURE = 17;
const SYSTEM_FAILURE = 42;
const MISSING = '/nonexistent/gitlab.json';
/** The least a job response file holds: job id, token, project, and the server in the repository URL. */
const JOB_RESPONSE = JSON.stringify({
  id: 77,
  token: 'glcbt-main',
  job_info: { project_id: 4 },
  git_info: { repo_url: 'https://gitlab.example.com/group/app.git' },
});

let dir = '';
let runnerEnv: NodeJS.ProcessEnv = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitlab-main-'));
  await writeFile(join(dir, 'response.json'), JOB_RESPONSE);
  await writeFile(join(dir, 'settings.json'), JSON.stringify({ 'cache-dir': join(dir, 'cache') }));
  runnerEnv = {
    BUILD_FAILURE_EXIT_CODE: String(BUILD_FAILURE),
    SYSTEM_FAILURE_EXIT_CODE: String(SYSTEM_FAILURE),
    JOB_RESPONSE_FILE: join(dir, 'response.json'),
    SECURE_DIND_STATE_DIR: join(dir, 'state'),
    SECURE_DIND_BUILDS_DIR: join(dir, 'builds'),
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs one stage process; `env` adds to the runner's variables. */
async function stage(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const into = (chunks: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    });
  const status = await runDriver(argv, {
    stdout: into(stdout),
    stderr: into(stderr),
    env: { ...runnerEnv, ...env },
  });
  return { status, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
}

describe('stage dispatch', () => {
  it.each([[[]], [['shell']], [['--verbose', 'config']], [['toString']]])(
    '%j is no stage: the usage on stderr, a system failure',
    async (argv) => {
      expect(await stage(argv)).toEqual({ status: SYSTEM_FAILURE, stdout: '', stderr: `${DRIVER_USAGE}\n` });
    },
  );

  it.each([
    [['config', '--config'], 'invalid --config: "" (expected a path to a JSON file)'],
    [['run'], 'usage: secure-dind gitlab run SCRIPT STAGE'],
    [['run', '/tmp/script'], 'usage: secure-dind gitlab run SCRIPT STAGE'],
  ])('%j: a warning, a system failure', async (argv, warning) => {
    expect(await stage(argv)).toEqual({
      status: SYSTEM_FAILURE,
      stdout: '',
      stderr: `[secure-dind] warning: ${warning}\n`,
    });
  });

  it.each<[string, string[], NodeJS.ProcessEnv, number, RegExp]>([
    [
      'an unreadable --config file fails the system, naming the option',
      ['config', `--config=${MISSING}`],
      {},
      SYSTEM_FAILURE,
      /^\[secure-dind\] ERROR: secure-dind GitLab driver settings: invalid configuration file \(--config\)/,
    ],
    [
      'an unreadable file from the environment fails the system, naming the variable',
      ['prepare'],
      { SECURE_DIND_GITLAB_CONFIG: MISSING },
      SYSTEM_FAILURE,
      /^\[secure-dind\] ERROR: .* invalid configuration file \(SECURE_DIND_GITLAB_CONFIG\): "\/nonexistent/,
    ],
    [
      'a stage script that cannot be read fails the system',
      ['run', '/nonexistent/script', 'build_script'],
      {},
      SYSTEM_FAILURE,
      /^\[secure-dind\] ERROR: cannot read the stage script \/nonexistent\/script\n/,
    ],
  ])('%s', async (_case, argv, env, status, error) => {
    const result = await stage(argv, env);
    expect(result).toMatchObject({ status, stdout: '' });
    expect(result.stderr).toMatch(error);
  });

  it("the job's own bad image fails the build", async () => {
    expect(await stage(['config'], { CUSTOM_ENV_CI_JOB_IMAGE: 'Not An Image' })).toEqual({
      status: BUILD_FAILURE,
      stdout: '',
      stderr: `[secure-dind] ERROR: invalid image (CI_JOB_IMAGE): "Not An Image" (expected ${IMAGE_FORM})\n`,
    });
  });

  it('cleanup never fails the job: what went wrong is a warning on stderr', async () => {
    const result = await stage(['cleanup', '--config', MISSING]);
    expect(result).toMatchObject({ status: 0, stdout: '' });
    expect(result.stderr).toMatch(
      /^\[secure-dind\] warning: cleanup: .* invalid configuration file \(--config\)/,
    );
  });

  it('config prints the JSON the runner reads, with the leased builds directory', async () => {
    const result = await stage(['config']);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/\n$/);
    expect(JSON.parse(result.stdout)).toMatchObject({
      builds_dir: join(dir, 'builds', 'gitlab.example.com', '4', '0'),
      builds_dir_is_shared: false,
      driver: { name: 'secure-dind' },
    });
  });

  it('config passes a --config path on to the later stages as job_env', async () => {
    const settings = join(dir, 'settings.json');
    const result = await stage(['config', '--config', settings]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      cache_dir: join(dir, 'cache', 'gitlab.example.com', '4'),
      job_env: { SECURE_DIND_GITLAB_CONFIG: settings },
    });
  });

  it('outside GitLab Runner (no failure codes in the environment) fails with 1', async () => {
    const outside = { BUILD_FAILURE_EXIT_CODE: undefined, SYSTEM_FAILURE_EXIT_CODE: undefined };
    expect(await stage(['unknown'], outside)).toMatchObject({ status: 1, stdout: '' });
    expect(await stage(['run'], outside)).toMatchObject({ status: 1, stdout: '' });
  });
});
