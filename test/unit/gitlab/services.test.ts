import { describe, expect, it } from 'vitest';
import { defaultAliases, isDindImage, parseServices, serviceAliases } from '../../../src/gitlab/services.js';

describe('GitLab service hostnames', () => {
  // GitLab's rules ("Accessing the services"; the runner's own service-name table): the tag and
  // registry port are dropped, "/" becomes "__", and "-" gives the secondary name.
  it.each([
    ['docker:dind', ['docker']],
    ['docker:27.5.1-dind', ['docker']],
    ['service', ['service']],
    ['service:version', ['service']],
    ['namespace/service', ['namespace__service', 'namespace-service']],
    ['namespace/service:version', ['namespace__service', 'namespace-service']],
    ['domain.tld/service:version', ['domain.tld__service', 'domain.tld-service']],
    ['domain.tld/namespace/service', ['domain.tld__namespace__service', 'domain.tld-namespace-service']],
    ['domain.tld:8080/service:version', ['domain.tld__service', 'domain.tld-service']],
    [
      'subdomain.domain.tld:8080/namespace/service:version',
      ['subdomain.domain.tld__namespace__service', 'subdomain.domain.tld-namespace-service'],
    ],
    ['registry/ns/img:tag', ['registry__ns__img', 'registry-ns-img']],
    ['tutum/hello-world', ['tutum__hello-world', 'tutum-hello-world']],
    ['postgres@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', ['postgres']],
  ])('%s is reachable as %j', (image, aliases) => {
    expect(defaultAliases(image)).toEqual(aliases);
  });

  it('adds explicit aliases (several, separated by commas or spaces) after the default names', () => {
    const [service] = parseServices(
      JSON.stringify([{ name: 'my-postgres:9.4', alias: 'pg, db primary', entrypoint: null, command: null }]),
    );
    expect(serviceAliases(service!)).toEqual(['my-postgres', 'pg', 'db', 'primary']);
  });
});

describe('CUSTOM_ENV_CI_JOB_SERVICES', () => {
  it('parses the documented example', () => {
    const services = parseServices(
      '[{"name":"redis:latest","alias":"","entrypoint":null,"command":null},' +
        '{"name":"my-postgres:9.4","alias":"pg","entrypoint":["path","to","entrypoint"],"command":["path","to","cmd"],' +
        '"variables":{"POSTGRES_DB":"mydb","POSTGRES_PASSWORD":"secret"}}]',
    );
    expect(services).toEqual([
      {
        name: 'redis:latest',
        aliases: [],
        entrypoint: undefined,
        command: undefined,
        variables: {},
        pullPolicies: [],
      },
      {
        name: 'my-postgres:9.4',
        aliases: ['pg'],
        entrypoint: ['path', 'to', 'entrypoint'],
        command: ['path', 'to', 'cmd'],
        variables: { POSTGRES_DB: 'mydb', POSTGRES_PASSWORD: 'secret' },
        pullPolicies: [],
      },
    ]);
  });

  it.each([undefined, '', 'null', '[]'])('%j means no services', (text) => {
    expect(parseServices(text)).toEqual([]);
  });

  it.each([
    ['{', /services/],
    ['{"name":"redis"}', /services/],
    ['[{"alias":"x"}]', /service image/],
    ['[{"name":"Not An Image!"}]', /service image/],
    ['[{"name":"redis","command":"redis-server"}]', /services/],
    ['[{"name":"redis","variables":{"BAD-NAME":"x"}}]', /service variable name/],
    ['[{"name":"redis","alias":"bad alias!"}]', /service alias/],
  ])('refuses %s', (text, message) => {
    expect(() => parseServices(text)).toThrow(message);
  });
});

describe('DinD services', () => {
  it.each([
    ['docker:dind', true],
    ['docker:24.0.5-dind', true],
    ['docker:dind-rootless', true],
    ['library/docker:dind', true],
    ['registry.example.com/mirror/docker:27-dind', true],
    ['docker:24.0.5-cli', false],
    ['docker', false],
    ['dind:latest', false],
    ['postgres:16', false],
  ])('%s: %s', (image, dind) => {
    expect(isDindImage(image)).toBe(dind);
  });

  it('also takes the images the administrator lists (a repository matches every tag)', () => {
    const configured = ['registry.example.com/ci/dockerd', 'other/daemon:1.0'];
    expect(isDindImage('registry.example.com/ci/dockerd:2024', configured)).toBe(true);
    expect(isDindImage('other/daemon:1.0', configured)).toBe(true);
    expect(isDindImage('other/daemon:2.0', configured)).toBe(false);
  });
});
