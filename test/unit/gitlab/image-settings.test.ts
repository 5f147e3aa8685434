import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/gitlab/settings.js';
import {
  entryAuth,
  loadAuthEntries,
  type CredentialHelper,
} from '../../../src/gitlab/registry-credentials.js';
import { entryForImage } from '../../../src/gitlab/registry-auth.js';
import type { Logger } from '../../../src/session/types.js';

describe('pull policy and service wait settings', () => {
  it('default to if-not-present, any policy of the default, and 30 s', () => {
    const settings = loadSettings({});
    expect(settings.pullPolicies).toEqual({ defaults: ['if-not-present'], allowed: [] });
    expect(settings.waitForServicesSeconds).toBe(30);
  });

  it('read lists from the environment and the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'image-settings-'));
    try {
      const path = join(dir, 'gitlab.json');
      await writeFile(path, JSON.stringify({ 'allowed-pull-policies': ['if-not-present', 'never'] }));
      const settings = loadSettings(
        { SECURE_DIND_PULL_POLICY: 'never,if-not-present', SECURE_DIND_WAIT_FOR_SERVICES_TIMEOUT: '2m' },
        path,
      );
      expect(settings.pullPolicies).toEqual({
        defaults: ['never', 'if-not-present'],
        allowed: ['if-not-present', 'never'],
      });
      expect(settings.waitForServicesSeconds).toBe(120);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ SECURE_DIND_PULL_POLICY: 'sometimes' }, /SECURE_DIND_PULL_POLICY.*"sometimes"/],
    [{ SECURE_DIND_ALLOWED_PULL_POLICIES: 'always,often' }, /SECURE_DIND_ALLOWED_PULL_POLICIES/],
    [{ SECURE_DIND_WAIT_FOR_SERVICES_TIMEOUT: 'soon' }, /SECURE_DIND_WAIT_FOR_SERVICES_TIMEOUT.*"soon"/],
  ])('refuses %j naming the setting', (env, message) => {
    expect(() => loadSettings(env)).toThrow(message);
  });
});

describe('credential sources on the runner host', () => {
  let dir = '';
  const warnings: string[] = [];
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m) };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docker-config-'));
    warnings.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A stand-in for docker-credential-NAME: answers for what it knows, fails otherwise. */
  const helper: CredentialHelper = async (name, action, input) => {
    if (name === 'store' && action === 'list') return JSON.stringify({ 'https://store.example.com': 'u' });
    if (name === 'store' && input === 'https://store.example.com')
      return JSON.stringify({ Username: 'store-user', Secret: 's' });
    if (name === 'ecr' && input === 'ecr.example.com')
      return JSON.stringify({ Username: '<token>', Secret: 't' });
    throw new Error(`docker-credential-${name} ${action} failed: credentials not found`);
  };

  it('asks credHelpers and credsStore of the host config, and the job config wins for the same registry', async () => {
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: { 'job.example.com': { auth: Buffer.from('host:h').toString('base64') } },
        credHelpers: { 'ecr.example.com': 'ecr', 'broken.example.com': 'missing' },
        credsStore: 'store',
      }),
    );
    const entries = await loadAuthEntries(
      {
        dockerAuthConfig: JSON.stringify({
          auths: { 'job.example.com': { username: 'job', password: 'j' } },
        }),
        hostEnv: { DOCKER_CONFIG: dir },
        payload: [],
      },
      helper,
      log,
    );
    const auth = async (image: string) => {
      const entry = entryForImage(image, entries);
      return entry ? { source: entry.source, auth: await entryAuth(entry, helper, log) } : undefined;
    };
    expect(await auth('job.example.com/app')).toEqual({
      source: '$DOCKER_AUTH_CONFIG',
      auth: { serveraddress: 'job.example.com', username: 'job', password: 'j' },
    });
    expect(await auth('ecr.example.com/app')).toEqual({
      source: join(dir, 'config.json'),
      auth: { serveraddress: 'ecr.example.com', identitytoken: 't' },
    });
    expect((await auth('store.example.com/app'))?.auth).toEqual({
      serveraddress: 'https://store.example.com',
      username: 'store-user',
      password: 's',
    });
    expect((await auth('broken.example.com/app'))?.auth).toBeUndefined();
    expect(warnings.join('\n')).toContain('credential helper missing');
  });

  it('warns and goes on when the host config is not a Docker config', async () => {
    await writeFile(join(dir, 'config.json'), '{not json');
    expect(
      await loadAuthEntries(
        { dockerAuthConfig: undefined, hostEnv: { HOME: dir, DOCKER_CONFIG: dir }, payload: [] },
        helper,
        log,
      ),
    ).toEqual([]);
    expect(warnings.join('\n')).toMatch(/will not be used/);
  });
});
