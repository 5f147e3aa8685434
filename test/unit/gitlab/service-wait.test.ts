import { describe, expect, it } from 'vitest';
import { servicePorts } from '../../../src/gitlab/service-wait.js';
import { linePrefixer } from '../../../src/gitlab/service-logs.js';
import { serviceEnvironment } from '../../../src/gitlab/job-images.js';
import { parseServiceList } from '../../../src/gitlab/services.js';

describe('ports a service is waited on', () => {
  const many = Array.from({ length: 25 }, (_, i) => `${9000 - i}/tcp`);
  it.each([
    [['5432/tcp'], {}, [5432]],
    [['6379/tcp', '80/tcp', '53/udp'], {}, [80, 6379]],
    [['8080'], {}, [8080]],
    [[], {}, []],
    [['5432/tcp'], { HEALTHCHECK_TCP_PORT: '8081' }, [8081]],
    [[], { healthcheck_tcp_port: '9000' }, [9000]],
    [
      many,
      {},
      many
        .map((p) => Number(p.split('/')[0]))
        .sort((a, b) => a - b)
        .slice(0, 20),
    ],
  ])('exposed %j, variables %j -> %j', (exposed, variables, ports) => {
    expect(servicePorts(exposed, variables, 'db')).toEqual(ports);
  });

  it.each(['http', '0', '70000', ''])('refuses HEALTHCHECK_TCP_PORT=%j naming it', (value) => {
    expect(() => servicePorts([], { HEALTHCHECK_TCP_PORT: value }, 'db')).toThrow(
      /HEALTHCHECK_TCP_PORT of service db/,
    );
  });
});

describe('service log lines (CI_DEBUG_SERVICES)', () => {
  it('prefixes every line, joining lines split across chunks', () => {
    const out: string[] = [];
    const prefixer = linePrefixer('[service:db] ', (text) => out.push(text));
    prefixer.push(Buffer.from('ready\r\nlisten'));
    prefixer.push(Buffer.from('ing on 5432\npartial'));
    prefixer.flush();
    expect(out.join('')).toBe('[service:db] ready\n[service:db] listening on 5432\n[service:db] partial\n');
  });
});

describe('service environment', () => {
  it('carries job and service variables but never DOCKER_AUTH_CONFIG', () => {
    const [service] = parseServiceList([
      { name: 'db', variables: { A: 'service', DOCKER_AUTH_CONFIG: '{}' } },
    ]);
    expect(serviceEnvironment({ A: 'job', B: 'job', DOCKER_AUTH_CONFIG: '{"auths":{}}' }, service!)).toEqual({
      A: 'service',
      B: 'job',
    });
  });
});
