import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemError } from '../../../src/core/errors.js';
import { heldSlot, leaseSlot, releaseSlot } from '../../../src/gitlab/builds-lease.js';
import { configOutput } from '../../../src/gitlab/config.js';
import { jobContext } from '../../../src/gitlab/job.js';
import { type JobResponse, loadJobResponse, parseJobResponse } from '../../../src/gitlab/job-response.js';
import { CONFIG_PATH_ENV, loadSettings } from '../../../src/gitlab/settings.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitlab-job-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const settings = loadSettings({ SECURE_DIND_BUILDS_DIR: '/srv/builds', SECURE_DIND_CACHE_DIR: '/srv/cache' });

/** A job response as GitLab Runner writes it, with fields overridable per case. */
function responseText(patch: { id?: number; token?: string; projectId?: number; protected?: boolean } = {}) {
  return JSON.stringify({
    id: patch.id ?? 123,
    token: patch.token ?? 'glcbt-aaaa',
    job_info: { name: 'build', stage: 'test', project_id: patch.projectId ?? 9, project_name: 'app' },
    git_info: {
      repo_url: `https://gitlab-ci-token:${patch.token ?? 'glcbt-aaaa'}@gitlab.example.com/group/app.git`,
      ref: 'main',
      ...(patch.protected === undefined ? {} : { protected: patch.protected }),
    },
    variables: [{ key: 'CI_PROJECT_ID', value: '9', public: true }],
    image: { name: 'docker:27-cli' },
    services: [],
  });
}
const response = (patch: Parameters<typeof responseText>[0] = {}): JobResponse =>
  parseJobResponse(responseText(patch), 'response.json');

describe('job response file', () => {
  it('gives the trusted identity: job id, token digest, project, server, protection', () => {
    const parsed = response({ protected: true });
    expect(parsed).toMatchObject({
      jobId: '123',
      projectId: '9',
      projectPath: 'group/app',
      serverHost: 'gitlab.example.com',
      protectedRef: true,
      ref: 'main',
    });
    // The token is a secret: only its digest is kept.
    expect(JSON.stringify(parsed)).not.toContain('glcbt-aaaa');
    expect(parsed.tokenDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says nothing about protection when the runner predates git_info.protected', () => {
    expect(response().protectedRef).toBeUndefined();
  });

  it.each([
    ['not JSON', '{'],
    ['no job id', JSON.stringify({ token: 't', job_info: { project_id: 1 } })],
    ['no token', JSON.stringify({ id: 1, job_info: { project_id: 1 } })],
    ['no project id', JSON.stringify({ id: 1, token: 't' })],
  ])('refuses a file with %s as a system failure naming the file', (_case, text) => {
    expect(() => parseJobResponse(text, '/tmp/r.json')).toThrow(SystemError);
    expect(() => parseJobResponse(text, '/tmp/r.json')).toThrow('/tmp/r.json');
  });

  it('is read from JOB_RESPONSE_FILE; an unset variable means none, a missing file fails', async () => {
    const path = join(dir, 'response.json');
    await writeFile(path, responseText({ id: 5 }));
    expect(loadJobResponse({ JOB_RESPONSE_FILE: path })?.jobId).toBe('5');
    expect(loadJobResponse({})).toBeUndefined();
    expect(() => loadJobResponse({ JOB_RESPONSE_FILE: join(dir, 'gone.json') })).toThrow(SystemError);
  });
});

describe('job context', () => {
  const forged = {
    CUSTOM_ENV_CI_JOB_ID: '1',
    CUSTOM_ENV_CI_PROJECT_ID: '1',
    CUSTOM_ENV_CI_COMMIT_REF_PROTECTED: 'true',
    CUSTOM_ENV_CI_SERVER_HOST: 'other.example.com',
  };

  it('takes identity, project and protection from the job response, not from job variables', () => {
    const context = jobContext(forged, settings, response({ protected: false }));
    expect(context).toMatchObject({
      jobId: '123',
      projectId: '9',
      protectedRef: false,
      trust: 'job-response',
    });
    expect(context.cacheKey).toBe('gitlab/gitlab.example.com/project-9/unprotected');
    expect(context.forgedVariables.map((claim) => claim.split('=')[0])).toEqual([
      'CI_JOB_ID',
      'CI_PROJECT_ID',
      'CI_SERVER_HOST',
      'CI_COMMIT_REF_PROTECTED',
    ]);
  });

  it('keeps protected and unprotected refs and projects in different caches', () => {
    const keys = [
      jobContext({}, settings, response({ protected: false })).cacheKey,
      jobContext({}, settings, response({ protected: true })).cacheKey,
      jobContext({}, settings, response({ projectId: 10, protected: true })).cacheKey,
    ];
    expect(new Set(keys).size).toBe(3);
    // A runner without git_info.protected: the unprotected scope, never the protected one.
    expect(jobContext({ CUSTOM_ENV_CI_COMMIT_REF_PROTECTED: 'true' }, settings, response()).cacheKey).toBe(
      keys[0],
    );
  });

  it('names resources after something the job cannot choose: the same job id with another token differs', () => {
    const a = jobContext({}, settings, response({ token: 'one' }));
    const b = jobContext({}, settings, response({ token: 'two' }));
    expect(a.jobId).toBe(b.jobId);
    expect(a.label).not.toBe(b.label);
    expect(a.namePrefix).not.toBe(b.namePrefix);
    expect(a.stateFile).not.toBe(b.stateFile);
  });

  it('refuses a job without a job response file, naming the runner version, unless allowed', () => {
    const legacy = { CUSTOM_ENV_CI_JOB_ID: '77', CUSTOM_ENV_CI_PROJECT_ID: '4' };
    expect(() => jobContext(legacy, settings, undefined)).toThrow(SystemError);
    expect(() => jobContext(legacy, settings, undefined)).toThrow(/JOB_RESPONSE_FILE/);
    try {
      jobContext(legacy, settings, undefined);
    } catch (error) {
      expect((error as SystemError).hint).toContain('14.1');
    }
    const allowed = loadSettings({ SECURE_DIND_TRUST_JOB_VARIABLES: 'true' });
    expect(jobContext(legacy, allowed, undefined)).toMatchObject({ jobId: '77', trust: 'job-variables' });
    expect(() => jobContext({}, allowed, undefined)).toThrow(SystemError);
  });

  it('takes the job image and DOCKER_TLS_CERTDIR from the job, with defaults', () => {
    const plain = jobContext({}, settings, response());
    expect(plain.jobImage).toBe(settings.defaultImage);
    expect(plain.tlsCertDir).toBe('/certs');
    const custom = jobContext(
      { CUSTOM_ENV_CI_JOB_IMAGE: 'docker:27-cli', CUSTOM_ENV_DOCKER_TLS_CERTDIR: '/tls/' },
      settings,
      response(),
    );
    expect(custom.jobImage).toBe('docker:27-cli');
    expect(custom.tlsCertDir).toBe('/tls');
  });

  it('answers config with JSON the runner accepts', () => {
    const context = jobContext({}, settings, response());
    const output = configOutput(context, '/srv/builds/x/9/0', '1.2.3', '/etc/secure-dind/gitlab.json');
    expect(output).toMatchObject({
      builds_dir: '/srv/builds/x/9/0',
      cache_dir: context.cacheDir,
      builds_dir_is_shared: false,
      driver: { name: 'secure-dind', version: '1.2.3' },
    });
    expect(output.job_env).toEqual({ [CONFIG_PATH_ENV]: '/etc/secure-dind/gitlab.json' });
    expect(configOutput(context, '/b', '1.2.3', undefined).job_env).toBeUndefined();
  });
});

describe('builds directory leases', () => {
  const hour = () => new Date(Date.now() + 3600_000);

  it('gives each running job its own slot, the same one on every stage, and reuses released slots', async () => {
    const leases = join(dir, 'leases-a');
    expect(await leaseSlot(leases, 'job-1', hour())).toBe(0);
    expect(await leaseSlot(leases, 'job-2', hour())).toBe(1);
    expect(await leaseSlot(leases, 'job-1', hour())).toBe(0);
    await releaseSlot(leases, 'job-1');
    expect(await heldSlot(leases, 'job-1')).toBeUndefined();
    expect(await leaseSlot(leases, 'job-3', hour())).toBe(0);
  });

  it('never gives one slot to two jobs leasing at the same time', async () => {
    const leases = join(dir, 'leases-b');
    const owners = Array.from({ length: 12 }, (_, i) => `job-${i}`);
    const slots = await Promise.all(owners.map((owner) => leaseSlot(leases, owner, hour())));
    expect(new Set(slots).size).toBe(owners.length);
    expect((await readdir(leases)).filter((name) => name.endsWith('.json'))).toHaveLength(owners.length);
  });

  it('takes over the slot of a job whose lease expired (a runner that crashed before cleanup)', async () => {
    const leases = join(dir, 'leases-c');
    await leaseSlot(leases, 'crashed', new Date(Date.now() - 1000));
    expect(await leaseSlot(leases, 'next', hour())).toBe(0);
    expect(await heldSlot(leases, 'crashed')).toBeUndefined();
  });
});
