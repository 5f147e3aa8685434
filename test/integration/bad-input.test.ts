/**
 * Bad input through each face, the way users give it: every malformed value is refused with a
 * message naming the input, before any resource is created.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, BUSYBOX_IMAGE, engineReady, hostDocker } from '../support/engine.js';
import { GitHubRunnerJob } from '../support/github-runner.js';
import { RunnerJob, resourcesOf } from '../support/gitlab-runner.js';

const execFileAsync = promisify(execFile);
const CLI = join(import.meta.dirname, '../../dist/cli.js');

/** Everything on the engine labelled with this job id. */
async function resourcesOfJob(jobId: string): Promise<string[]> {
  const filter = `label=dev.secure-dind.job=${jobId}`;
  const lists = await Promise.all([
    hostDocker(['ps', '-a', '-q', '--filter', filter]),
    hostDocker(['network', 'ls', '-q', '--filter', filter]),
    hostDocker(['volume', 'ls', '-q', '--filter', filter]),
  ]);
  return lists.flatMap((text) => text.split('\n').filter(Boolean));
}

const HUGE = '9'.repeat(5000);

/** [option, value, what the message must name] */
const CLI_CASES: [string[], RegExp][] = [
  [['--image', ''], /option --image/],
  [['--image', 'docker:dind --privileged'], /option --image/],
  [['--image', 'docker:dind;rm -rf /'], /option --image/],
  [['--image', `docker:${HUGE}`], /option --image/],
  [['--runtime', 'runc --privileged'], /option --runtime/],
  [['--runtime', '$(id)'], /option --runtime/],
  [['--cache', 'sometimes'], /option --cache/],
  [['--cache-key', ''], /option --cache-key/],
  [['--cache-key', 'a;reboot'], /option --cache-key/],
  [['--cache-key', 'k'.repeat(300)], /option --cache-key/],
  [['--cache-max-size', '-5GB'], /option --cache-max-size/],
  [['--cache-total-max-size', 'lots'], /option --cache-total-max-size/],
  [['--cpus', '-1'], /option --cpus/],
  [['--cpus', 'two'], /option --cpus/],
  [['--memory', HUGE], /option --memory/],
  [['--pids-limit', '0'], /option --pids-limit/],
  [['--mtu', '65536'], /option --mtu/],
  [['--mtu', '-1500'], /option --mtu/],
  [['--address-pool', '10.0.0.0/33'], /option --address-pool/],
  [['--daemon-config', '{"hosts":["unix:///var/run/docker.sock"]}'], /option --daemon-config/],
  [['--daemon-config', '{"data-root":"/host/var/lib/docker"}'], /option --daemon-config/],
  [['--daemon-config', '{"--privileged":true}'], /option --daemon-config/],
  [['--daemon-config', '["-v","/:/host"]'], /option --daemon-config/],
  [['--startup-timeout', '-1'], /option --startup-timeout/],
  [['--stop-timeout', `${HUGE}s`], /option --stop-timeout/],
  [['--deadline', '1s'], /option --deadline/],
  [['--engine-host', 'ssh://root@host'], /option --engine-host/],
  [['--cache-slots', '1000'], /option --cache-slots/],
  [['--privileged'], /option: "--privileged"/],
  [['-v', '/:/host'], /option: "-v"/],
];

describe.runIf(engineReady)('bad input is refused before anything is created', () => {
  it.each(CLI_CASES)('secure-dind up %j', async (args, names) => {
    const jobId = `bad-cli-${Math.random().toString(36).slice(2, 10)}`;
    const error = (await execFileAsync('node', [CLI, 'up', ...args], {
      env: { ...process.env, SECURE_DIND_JOB_ID: jobId, SECURE_DIND_IMAGE: 'secure-dind/runner-image:dev' },
    }).catch((e: unknown) => e)) as { code?: number; stderr?: string };
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/^secure-dind: invalid /);
    expect(error.stderr).toMatch(names);
    expect(await resourcesOfJob(jobId)).toEqual([]);
  });

  it.each([
    ['SECURE_DIND_MTU', '10', /environment variable SECURE_DIND_MTU/],
    ['SECURE_DIND_DAEMON_CONFIG', '{"tls":false}', /environment variable SECURE_DIND_DAEMON_CONFIG/],
    ['SECURE_DIND_IMAGE', 'UPPER/case', /environment variable SECURE_DIND_IMAGE/],
  ])('secure-dind up with %s=%s', async (name, value, names) => {
    const jobId = `bad-env-${Math.random().toString(36).slice(2, 10)}`;
    const error = (await execFileAsync('node', [CLI, 'up'], {
      env: { ...process.env, SECURE_DIND_JOB_ID: jobId, [name]: value },
    }).catch((e: unknown) => e)) as { code?: number; stderr?: string };
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(names);
    expect(await resourcesOfJob(jobId)).toEqual([]);
  });

  it('secure-dind down of an id no session has: says so, exit 3, nothing touched', async () => {
    const error = (await execFileAsync('node', [CLI, 'down', '0123456789ab'], {
      env: { ...process.env, SECURE_DIND_STATE_DIR: '/nonexistent/secure-dind-state' },
    }).catch((e: unknown) => e)) as { code?: number; stderr?: string };
    expect(error.code).toBe(3);
    expect(error.stderr).toMatch(/no session 0123456789ab on /);
  });

  describe('GitLab job variables that claim another identity are neutralised', () => {
    let settingsDir = '';
    let bystander: RunnerJob;
    const bystanderProject = String(Math.floor(Math.random() * 1e6) + 1_000_000);
    beforeAll(async () => {
      settingsDir = await mkdtemp(join(tmpdir(), 'bad-gitlab-'));
      const settingsFile = join(settingsDir, 'gitlab.json');
      await writeFile(
        settingsFile,
        JSON.stringify({
          'default-image': BUSYBOX_IMAGE,
          'helper-image': BASE_IMAGE,
          'state-dir': join(settingsDir, 'state'),
          'builds-dir': join(settingsDir, 'builds'),
          'cache-dir': join(settingsDir, 'cache'),
        }),
      );
      bystander = new RunnerJob(
        { projectId: bystanderProject, image: BUSYBOX_IMAGE, script: 'true' },
        settingsFile,
      );
      await bystander.config();
      expect((await bystander.prepare()).code).toBe(0);
    });
    afterAll(async () => {
      await bystander.dispose();
      await rm(settingsDir, { recursive: true, force: true });
    });

    it.each<[string, () => string, boolean]>([
      ['CI_JOB_ID', () => bystander.jobId, true],
      ['CI_PROJECT_ID', () => bystanderProject, true],
      ['CI_PROJECT_PATH', () => bystander.projectPath, true],
      ['CI_SERVER_HOST', () => 'gitlab.attacker.example', true],
      ['CI_COMMIT_REF_PROTECTED', () => 'true', true],
      ['CI_CONCURRENT_PROJECT_ID', () => '0', false],
      ['CI_CONCURRENT_ID', () => '0', false],
      ['CI_RUNNER_SHORT_TOKEN', () => 'runner01', false],
      ['CI_JOB_TOKEN', () => 'stolen-token', false],
    ])('%s', async (variable, value, warned) => {
      const forger = new RunnerJob(
        {
          projectId: String(Math.floor(Math.random() * 1e6) + 2_000_000),
          image: BUSYBOX_IMAGE,
          script: 'true',
          jobVariables: { [variable]: value() },
        },
        join(settingsDir, 'gitlab.json'),
      );
      try {
        const before = await resourcesOf(bystander.jobId);
        const config = await forger.config();
        expect(config.builds_dir).not.toContain(`/${bystanderProject}/`);
        const prepared = await forger.prepare();
        expect(prepared.code, prepared.stdout + prepared.stderr).toBe(0);
        const log = prepared.stdout + prepared.stderr;
        if (warned) expect(log).toContain(`the job sets ${variable}=`);
        // The forger's resources carry its own trusted identity; the bystander's are untouched.
        expect((await resourcesOf(forger.jobId)).containers).toHaveLength(2);
        expect((await forger.cleanup()).code).toBe(0);
        expect(await resourcesOf(bystander.jobId)).toEqual(before);
        expect(before.containers).toHaveLength(2);
      } finally {
        await forger.dispose();
      }
    });
  });

  describe('GitLab driver settings', () => {
    const SYSTEM_FAILURE = 42;
    const BUILD_FAILURE = 37;

    it.each<[Record<string, string>, RegExp]>([
      [{ SECURE_DIND_IMAGE: 'docker:dind --privileged' }, /SECURE_DIND_IMAGE/],
      [{ SECURE_DIND_RUNTIME: '' + '$(id)' }, /SECURE_DIND_RUNTIME/],
      [{ SECURE_DIND_MEMORY: '-1' }, /SECURE_DIND_MEMORY/],
      [{ SECURE_DIND_CPUS: HUGE }, /SECURE_DIND_CPUS/],
      [{ SECURE_DIND_MTU: 'jumbo' }, /SECURE_DIND_MTU/],
      [
        { SECURE_DIND_DAEMON_CONFIG: '{"hosts":["unix:///var/run/docker.sock"]}' },
        /SECURE_DIND_DAEMON_CONFIG/,
      ],
      [{ SECURE_DIND_CACHE_KEY: 'mine' }, /SECURE_DIND_CACHE_KEY/],
      [{ SECURE_DIND_DEFAULT_IMAGE: 'Not An Image' }, /SECURE_DIND_DEFAULT_IMAGE/],
      [{ SECURE_DIND_DIND_IMAGES: 'docker:dind,;rm -rf' }, /SECURE_DIND_DIND_IMAGES/],
      [{ SECURE_DIND_BUILDS_DIR: '/' }, /SECURE_DIND_BUILDS_DIR/],
      [{ SECURE_DIND_BUILDS_DIR: 'relative/dir' }, /SECURE_DIND_BUILDS_DIR/],
      [{ SECURE_DIND_STATE_DIR: '/var/lib/../../etc' }, /SECURE_DIND_STATE_DIR/],
      [{ SECURE_DIND_INSTALL_RUNTIME: 'always' }, /SECURE_DIND_INSTALL_RUNTIME/],
    ])('prepare with %j', async (settings, names) => {
      const jobId = String(Math.floor(Math.random() * 1e9));
      const result = (await execFileAsync('node', [CLI, 'gitlab', 'prepare'], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          BUILD_FAILURE_EXIT_CODE: String(BUILD_FAILURE),
          SYSTEM_FAILURE_EXIT_CODE: String(SYSTEM_FAILURE),
          CUSTOM_ENV_CI_JOB_ID: jobId,
          CUSTOM_ENV_CI_PROJECT_ID: '7',
          CUSTOM_ENV_CI_PROJECT_PATH: 'group/project',
          CUSTOM_ENV_CI_CONCURRENT_PROJECT_ID: '0',
          CUSTOM_ENV_CI_RUNNER_SHORT_TOKEN: 'tok',
          CUSTOM_ENV_CI_SERVER_HOST: 'gitlab.example.com',
          CUSTOM_ENV_CI_JOB_IMAGE: 'secure-dind/busybox:test',
          CUSTOM_ENV_CI_JOB_SERVICES: JSON.stringify([{ name: 'docker:dind' }]),
          ...settings,
        },
      }).catch((e: unknown) => e)) as { code?: number; stdout?: string; stderr?: string };
      // Driver settings are the runner admin's: a bad one is a system failure, named in the log.
      expect(result.code).toBe(SYSTEM_FAILURE);
      expect(`${result.stdout}${result.stderr}`).toMatch(names);
      expect(await resourcesOfJob(jobId)).toEqual([]);
      expect(
        (await hostDocker(['ps', '-a', '--format', '{{.Label "dev.secure-dind.job"}}']))
          .split('\n')
          .filter((j) => j.includes(jobId)),
      ).toEqual([]);
    });
  });

  describe('GitHub Action inputs', () => {
    const jobs: GitHubRunnerJob[] = [];
    afterAll(() => jobs.forEach((job) => job.dispose()));

    it.each<[Record<string, string>, string]>([
      [{ image: '--privileged' }, 'image'],
      [{ image: 'docker:dind -v /:/host' }, 'image'],
      [{ runtime: 'runc; curl evil' }, 'runtime'],
      [{ 'install-runtime': 'always' }, 'install-runtime'],
      [{ cache: 'yes please' }, 'cache'],
      [{ 'cache-key': '`reboot`' }, 'cache-key'],
      [{ 'cache-max-size': '-1' }, 'cache-max-size'],
      [{ 'cache-total-max-size': HUGE }, 'cache-total-max-size'],
      [{ cpus: '0' }, 'cpus'],
      [{ memory: 'all of it' }, 'memory'],
      [{ 'pids-limit': '-1' }, 'pids-limit'],
      [{ mtu: '100' }, 'mtu'],
      [{ 'daemon-config': '{"hosts":["tcp://0.0.0.0:2375"]}' }, 'daemon-config'],
      [{ 'daemon-config': '{"tlsverify":false}' }, 'daemon-config'],
      [{ 'daemon-config': 'not json' }, 'daemon-config'],
      [{ 'startup-timeout': 'forever' }, 'startup-timeout'],
      [{ 'stop-timeout': '-3' }, 'stop-timeout'],
      [{ 'set-context': 'maybe' }, 'set-context'],
      [{ summary: '2' }, 'summary'],
    ])('with: %j', async (inputs, input) => {
      const runId = String(Math.floor(Math.random() * 1e12));
      const job = new GitHubRunnerJob({ env: { GITHUB_RUN_ID: runId } });
      jobs.push(job);
      const main = await job.runAction('main', { 'install-runtime': 'never', ...inputs });
      expect(main.exitCode).toBe(1);
      expect(main.errors.join('\n')).toMatch(new RegExp(`input '${input}'`));
      expect(main.state).toEqual({});
      expect(readdirSync(job.runnerTemp)).toEqual([]);
      const post = await job.runAction('post');
      expect(post.exitCode).toBe(0);
      expect(await hostDocker(['ps', '-a', '-q', '--filter', `label=dev.secure-dind.job=${runId}`])).toBe('');
      expect(
        (await hostDocker(['ps', '-a', '--format', '{{.Label "dev.secure-dind.job"}}']))
          .split('\n')
          .filter((j) => j.includes(runId)),
      ).toEqual([]);
    });
  });
});
