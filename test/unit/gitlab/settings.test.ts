import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTING_DOCS } from '../../../src/core/config.js';
import { SystemError } from '../../../src/core/errors.js';
import { readFileSync } from 'node:fs';
import {
  CONFIG_PATH_ENV,
  GITLAB_SETTING_DOCS,
  GITLAB_SETTING_NAMES,
  loadSettings,
} from '../../../src/gitlab/settings.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitlab-settings-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(content: unknown): Promise<string> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('GitLab driver settings', () => {
  it('uses the documented defaults when nothing is set', () => {
    const settings = loadSettings({});
    expect(settings.defaultImage).toBe(GITLAB_SETTING_DOCS['default-image'].default);
    expect(settings.stateDir).toBe(GITLAB_SETTING_DOCS['state-dir'].default);
    expect(settings.dindImage).toBeUndefined();
    const session = settings.sessionConfig({ serviceImage: 'docker:24.0.5-dind', cacheKey: 'k' });
    expect(session.image).toBe('docker:24.0.5-dind');
    expect(session.runtime).toBe(SETTING_DOCS.runtime.default);
  });

  it('reads the file from --config or the environment, environment variables winning', async () => {
    const path = await file({
      runtime: 'sysbox-runc',
      image: 'secure-dind/runner-image:dev',
      'cache-slots': 2,
      'dind-images': ['a/b'],
    });
    const fromOption = loadSettings({ SECURE_DIND_CACHE_SLOTS: '3' }, path);
    const session = fromOption.sessionConfig({ serviceImage: 'docker:dind', cacheKey: 'k' });
    expect(session.image).toBe('secure-dind/runner-image:dev');
    expect(session.cacheSlots).toBe(3);
    expect(fromOption.dindImages).toEqual(['a/b']);
    expect(
      loadSettings({ [CONFIG_PATH_ENV]: path }).sessionConfig({ serviceImage: 'docker:dind', cacheKey: 'k' })
        .cacheSlots,
    ).toBe(2);
  });

  it.each([
    [{ SECURE_DIND_RUNTIME: 'bad runtime!' }, undefined, /SECURE_DIND_RUNTIME/],
    [{ SECURE_DIND_MEMORY: 'lots' }, undefined, /SECURE_DIND_MEMORY/],
    [{ SECURE_DIND_DEFAULT_IMAGE: 'Not An Image' }, undefined, /SECURE_DIND_DEFAULT_IMAGE/],
    [{ SECURE_DIND_IMAGE: 'Not An Image' }, undefined, /SECURE_DIND_IMAGE/],
    [{ SECURE_DIND_DIND_IMAGES: 'ok/one,Bad Image' }, undefined, /SECURE_DIND_DIND_IMAGES/],
    [{ SECURE_DIND_BUILDS_DIR: 'relative/path' }, undefined, /SECURE_DIND_BUILDS_DIR/],
    [{ SECURE_DIND_STATE_DIR: '/' }, undefined, /SECURE_DIND_STATE_DIR/],
    [{ SECURE_DIND_CACHE_DIR: '/var/../etc' }, undefined, /SECURE_DIND_CACHE_DIR/],
    [{ SECURE_DIND_DAEMON_CONFIG: '{"hosts":[]}' }, undefined, /SECURE_DIND_DAEMON_CONFIG/],
    [{}, { mtu: 50 }, /"mtu" in .*\.json/],
    [{}, { 'cache-key': 'mine' }, /"cache-key" in .*\.json/],
    [{}, { privileged: true }, /"privileged" in .*\.json/],
    [{}, { 'default-image': ['a'] }, /"default-image" in .*\.json/],
    [{}, '{not json', /configuration file/],
  ])('refuses %j / file %j, naming the setting', async (env, content, message) => {
    const path = content === undefined ? undefined : await file(content);
    let caught: unknown;
    try {
      loadSettings(env, path);
    } catch (error) {
      caught = error;
    }
    // A runner host misconfiguration: a system failure, not the job's fault.
    expect(caught).toBeInstanceOf(SystemError);
    expect((caught as Error).message).toMatch(message);
  });

  it('refuses a settings file that cannot be read', () => {
    expect(() => loadSettings({}, join(dir, 'missing.json'))).toThrow(/configuration file/);
  });
});

describe('README', () => {
  it('has a row for every driver setting, with its environment variable', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
    const missing = GITLAB_SETTING_NAMES.filter(
      (name) =>
        !readme
          .split('\n')
          .some(
            (line) =>
              line.startsWith(`| \`${name}\``) &&
              line.includes(`SECURE_DIND_${name.toUpperCase().replace(/-/g, '_')}`),
          ),
    );
    expect(missing).toEqual([]);
  });
});
