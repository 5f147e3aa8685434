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

let dir = '';
let runnerEnv: NodeJS.ProcessEnv = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitlab-main-'));
  const responseFile = join(dir, 'response.json');
  await writeFile(
    responseFile,
    JSON.stringify({
      id: 77,
      token: 'glcbt-main',
      job_info: { project_id: 4 },
      git_info: { repo_url: 'https://gitlab.example.com/group/app.git' },
    }),
  );
  await writeFile(join(dir, 'settings.json'), JSON.stringify({ 'cache-dir': join(dir, 'cache') }));
  runnerEnv = {
    BUILD_FAILURE_EXIT_CODE: String(BUILD_FAILURE),
    SYSTEM_FAILURE_EXIT_CODE: String(SYSTEM_FAILURE),
    JOB_RESPONSE_FILE: responseFile,
    SECURE_DIND_STATE_DIR: join(dir, 'state'),
    SECURE_DIND_BUILDS_DIR: join(dir, 'builds'),
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function call(argv: string[], env: NodeJS.ProcessEnv) {
  const stdout = collector();
  const stderr = collector();
  const status = await runDriver(argv, { stdout: stdout.stream, stderr: stderr.stream, env });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

interface Case {
  readonly name: string;
  readonly argv: (dir: string) => string[];
  readonly env?: (dir: string) => NodeJS.ProcessEnv;
  readonly status: number;
  readonly stdout: string | RegExp;
  readonly stderr: string | RegExp;
}

const MISSING = '/nonexistent/gitlab.json';
const SETTINGS_ERROR = '[secure-dind] ERROR: secure-dind GitLab driver settings: invalid configuration file';

const cases: Case[] = [
  {
    name: 'no stage: the usage, as a system failure',
    argv: () => [],
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: `${DRIVER_USAGE}\n`,
  },
  {
    name: 'an unknown stage: the usage',
    argv: () => ['shell'],
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: `${DRIVER_USAGE}\n`,
  },
  {
    name: 'an unknown option where the stage belongs: the usage',
    argv: () => ['--verbose', 'config'],
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: `${DRIVER_USAGE}\n`,
  },
  {
    name: 'a stage name inherited from Object is no stage',
    argv: () => ['toString'],
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: `${DRIVER_USAGE}\n`,
  },
  {
    name: '--config without a value: a warning',
    argv: () => ['config', '--config'],
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: '[secure-dind] warning: invalid --config: "" (expected a path to a JSON file)\n',
  },
  {
    name: 'run without SCRIPT and STAGE: its usage',
    argv: () => ['run'],
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: '[secure-dind] warning: usage: secure-dind gitlab run SCRIPT STAGE\n',
  },
  {
    name: 'run without STAGE: its usage',
    argv: () => ['run', '/tmp/script'],
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: '[secure-dind] warning: usage: secure-dind gitlab run SCRIPT STAGE\n',
  },
  {
    name: 'config: the runner reads its JSON from stdout, a leased builds directory in it',
    argv: () => ['config'],
    status: 0,
    stdout:
      /^\{"builds_dir":"[^"]+\/builds\/gitlab\.example\.com\/4\/0","cache_dir":"[^"]+",.*"driver":\{"name":"secure-dind",/,
    stderr: '',
  },
  {
    name: 'config with --config: the path reaches the later stages as job_env',
    argv: (d) => ['config', '--config', join(d, 'settings.json')],
    status: 0,
    stdout:
      /"cache_dir":"[^"]+\/cache\/gitlab\.example\.com\/4".*"job_env":\{"SECURE_DIND_GITLAB_CONFIG":"[^"]+\/settings\.json"\}\}\n$/,
    stderr: '',
  },
  {
    name: 'config with an unreadable --config file: a system failure naming the option',
    argv: () => ['config', `--config=${MISSING}`],
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: new RegExp(`^${escape(SETTINGS_ERROR)} \\(--config\\): "${MISSING}"`),
  },
  {
    name: 'prepare with an unreadable file from the environment: a system failure naming the variable',
    argv: () => ['prepare'],
    env: () => ({ SECURE_DIND_GITLAB_CONFIG: MISSING }),
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: new RegExp(`^${escape(SETTINGS_ERROR)} \\(SECURE_DIND_GITLAB_CONFIG\\)`),
  },
  {
    name: "config with the job's own bad image: a build failure",
    argv: () => ['config'],
    env: () => ({ CUSTOM_ENV_CI_JOB_IMAGE: 'Not An Image' }),
    status: BUILD_FAILURE,
    stdout: '',
    stderr: `[secure-dind] ERROR: invalid image (CI_JOB_IMAGE): "Not An Image" (expected ${IMAGE_FORM})\n`,
  },
  {
    name: 'run with a stage script that cannot be read: a system failure',
    argv: (d) => ['run', join(d, 'gone.sh'), 'build_script'],
    status: SYSTEM_FAILURE,
    stdout: '',
    stderr: /^\[secure-dind\] ERROR: cannot read the stage script \/.*\/gone\.sh\n/,
  },
  {
    name: 'cleanup never fails the job: what went wrong is a warning',
    argv: () => ['cleanup', '--config', MISSING],
    status: 0,
    stdout: '',
    stderr:
      /^\[secure-dind\] warning: cleanup: secure-dind GitLab driver settings: invalid configuration file \(--config\)/,
  },
];

describe('stage dispatch', () => {
  it.each(cases)('$name', async ({ argv, env, status, stdout, stderr }) => {
    const result = await call(argv(dir), { ...runnerEnv, ...env?.(dir) });
    expect(result.status).toBe(status);
    for (const [actual, expected] of [
      [result.stdout, stdout],
      [result.stderr, stderr],
    ] as const) {
      if (typeof expected === 'string') expect(actual).toBe(expected);
      else expect(actual).toMatch(expected);
    }
  });

  it('outside GitLab Runner (no failure codes in the environment) fails with 1', async () => {
    const { SYSTEM_FAILURE_EXIT_CODE: _system, BUILD_FAILURE_EXIT_CODE: _build, ...bare } = runnerEnv;
    expect(await call(['unknown'], bare)).toMatchObject({ status: 1, stdout: '' });
    expect(await call(['run'], bare)).toMatchObject({ status: 1, stdout: '' });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
