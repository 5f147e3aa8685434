import { describe, expect, it } from 'vitest';
import { errorKind } from '../../../src/core/errors.js';
import {
  entryForImage,
  imageRegistryPath,
  mergeSources,
  parseDockerConfig,
  payloadEntries,
  serverRegistryPath,
} from '../../../src/gitlab/registry-auth.js';
import { stageCommand, JOB_ENTRYPOINT_LABEL } from '../../../src/gitlab/job-entrypoint.js';

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('registry paths', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine'],
    ['alpine:3.20', 'docker.io/library/alpine'],
    ['library/alpine@sha256:abc', 'docker.io/library/alpine'],
    ['user/app:1', 'docker.io/user/app'],
    ['index.docker.io/user/app', 'docker.io/user/app'],
    ['Registry.Example.com:5000/Group/App:1', 'registry.example.com:5000/Group/App'],
    ['localhost/app', 'localhost/app'],
    ['127.0.0.1:5000/app:v1', '127.0.0.1:5000/app'],
  ])('image %s -> %s', (image, path) => {
    expect(imageRegistryPath(image)).toBe(path);
  });

  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry.example.com', 'registry.example.com'],
    ['https://registry.example.com/v2/', 'registry.example.com'],
    ['REGISTRY.example.com:5000/group', 'registry.example.com:5000/group'],
    ['registry.example.com/group/', 'registry.example.com/group'],
  ])('config key %s -> %s', (server, path) => {
    expect(serverRegistryPath(server)).toBe(path);
  });
});

describe('DOCKER_AUTH_CONFIG and config.json', () => {
  it('reads auth (base64), username/password, and credential helpers', () => {
    const entries = parseDockerConfig(
      JSON.stringify({
        auths: {
          'registry.example.com:5000': { auth: basic('ci', 'p:ss') },
          'https://index.docker.io/v1/': { username: 'hub', password: 'h' },
          'empty.example.com': {},
        },
        credHelpers: { 'ecr.example.com': 'ecr-login' },
      }),
      '$DOCKER_AUTH_CONFIG',
    );
    expect(entries).toEqual([
      {
        path: 'registry.example.com:5000',
        source: '$DOCKER_AUTH_CONFIG',
        auth: { serveraddress: 'registry.example.com:5000', username: 'ci', password: 'p:ss' },
      },
      {
        path: 'docker.io',
        source: '$DOCKER_AUTH_CONFIG',
        auth: { serveraddress: 'https://index.docker.io/v1/', username: 'hub', password: 'h' },
      },
      {
        path: 'ecr.example.com',
        source: '$DOCKER_AUTH_CONFIG',
        helper: 'ecr-login',
        server: 'ecr.example.com',
      },
    ]);
  });

  it.each([
    ['{', /not JSON/],
    ['[]', /not a JSON object/],
    ['{"auths":{"r":{"auth":"bm9jb2xvbg=="}}}', /not base64 of user:password/],
    ['{"credHelpers":{"r":"../../bin/evil"}}', /plain name/],
    ['{"credsStore":"/usr/bin/x"}', /plain name/],
  ])('refuses %s as a build failure that never echoes the value', (text, reason) => {
    const secret = 'bm9jb2xvbg==';
    try {
      parseDockerConfig(text, '$DOCKER_AUTH_CONFIG');
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toMatch(reason);
      expect(String(error)).toContain('$DOCKER_AUTH_CONFIG');
      expect(String(error)).not.toContain(secret);
      expect(errorKind(error)).toBe('bad-input');
    }
  });
});

describe('credentials for an image', () => {
  const job = parseDockerConfig(
    JSON.stringify({
      auths: {
        'registry.example.com': { auth: basic('job', 'j') },
        'registry.example.com/team-b': { auth: basic('job-b', 'jb') },
      },
    }),
    '$DOCKER_AUTH_CONFIG',
  );
  const host = parseDockerConfig(
    JSON.stringify({
      auths: {
        'registry.example.com': { auth: basic('host', 'h') },
        'other.example.com': { auth: basic('host', 'o') },
      },
    }),
    '/root/.docker/config.json',
  );
  const payload = payloadEntries([
    { type: 'registry', url: 'gitlab.example.com:5050', username: 'gitlab-ci-token', password: 't' },
    { type: 'other', url: 'x', username: 'y', password: 'z' },
  ]);
  const all = mergeSources([job, host, payload]);

  it.each([
    ['registry.example.com/team-a/app:1', 'job', '$DOCKER_AUTH_CONFIG'],
    ['registry.example.com/team-b/app:1', 'job-b', '$DOCKER_AUTH_CONFIG'],
    ['other.example.com/app', 'host', '/root/.docker/config.json'],
    [
      'gitlab.example.com:5050/group/project/image:latest',
      'gitlab-ci-token',
      'job payload (GitLab Registry)',
    ],
  ])('%s takes %s from %s', (image, user, source) => {
    const entry = entryForImage(image, all);
    expect(entry?.source).toBe(source);
    expect(entry && 'auth' in entry ? entry.auth.username : undefined).toBe(user);
  });

  it('uses none for a registry no source names', () => {
    expect(entryForImage('alpine:3', all)).toBeUndefined();
    expect(entryForImage('registry.example.com.evil.org/app', all)).toBeUndefined();
  });

  it('lets the host configuration win over the job payload for the same registry', () => {
    const hostForGitlab = parseDockerConfig(
      JSON.stringify({ auths: { 'gitlab.example.com:5050': { auth: basic('host', 'h') } } }),
      'host',
    );
    const entry = entryForImage('gitlab.example.com:5050/g/p', mergeSources([[], hostForGitlab, payload]));
    expect(entry?.source).toBe('host');
  });
});

describe('job image entrypoint around each stage', () => {
  const shell = ['sh', '-c', 'exec sh'];
  it.each([
    [{}, shell],
    [{ [JOB_ENTRYPOINT_LABEL]: '[]' }, shell],
    [{ [JOB_ENTRYPOINT_LABEL]: '["/entry.sh"]' }, ['/entry.sh', ...shell]],
    [{ [JOB_ENTRYPOINT_LABEL]: 'not json' }, shell],
  ])('%j', (labels, command) => {
    expect(stageCommand(labels, shell)).toEqual(command);
  });
});
