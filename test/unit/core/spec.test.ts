import { describe, expect, it } from 'vitest';
import { parseSessionConfig } from '../../../src/core/config.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  daemonContainerSpec,
  daemonFilesTar,
  innerDaemonJson,
  unsafeSpecReasons,
} from '../../../src/core/spec.js';
import { innerRangesFrom } from '../../../src/core/subnets.js';
import { parseCidr } from '../../../src/core/cidr.js';

const input = (raw = {}) => ({
  config: parseSessionConfig({ cpus: '2', memory: '1g', ...raw }),
  labels: { 'dev.secure-dind.owner': 'secure-dind' },
  volumeName: 'cache-vol',
  networkName: 'session-net',
  daemonIp: '10.199.3.2',
  aliases: ['docker'],
});

describe('daemonContainerSpec', () => {
  it('is unprivileged, uses the configured runtime and mounts only the cache volume', () => {
    const spec = daemonContainerSpec(input({ runtime: 'my-runtime' }));
    expect(unsafeSpecReasons(spec)).toEqual([]);
    expect(spec.HostConfig.Runtime).toBe('my-runtime');
    expect(spec.HostConfig.Privileged).toBe(false);
    expect(spec.HostConfig.Mounts).toEqual([
      { Type: 'volume', Source: 'cache-vol', Target: '/var/lib/docker' },
    ]);
    expect(JSON.stringify(spec)).not.toContain('docker.sock');
  });

  it('publishes no port and sits on the session network at its certified address', () => {
    const spec = daemonContainerSpec(input());
    expect(spec.HostConfig.PublishAllPorts).toBe(false);
    expect(spec).not.toHaveProperty('HostConfig.PortBindings');
    expect(spec.HostConfig.NetworkMode).toBe('session-net');
    expect(spec.NetworkingConfig.EndpointsConfig['session-net']).toEqual({
      Aliases: ['docker'],
      IPAMConfig: { IPv4Address: '10.199.3.2' },
    });
  });

  it('applies resource limits and the TLS contract of docker:dind', () => {
    const spec = daemonContainerSpec(input());
    expect(spec.HostConfig.NanoCpus).toBe(2e9);
    expect(spec.HostConfig.Memory).toBe(1024 ** 3);
    expect(spec.HostConfig.PidsLimit).toBe(16384);
    expect(spec.Env).toContain('DOCKER_TLS_CERTDIR=/certs');
  });
});

describe('unsafeSpecReasons', () => {
  it.each([
    [{ HostConfig: { Privileged: true } }, 'privileged'],
    [{ HostConfig: { NetworkMode: 'host' } }, 'NetworkMode=host'],
    [{ HostConfig: { PidMode: 'host' } }, 'PidMode=host'],
    [{ HostConfig: { UsernsMode: 'host' } }, 'UsernsMode=host'],
    [{ HostConfig: { Binds: ['/var/run/docker.sock:/var/run/docker.sock'] } }, 'host bind mounts'],
    [{ HostConfig: { Mounts: [{ Type: 'bind' }] } }, 'host bind mounts'],
    [{ HostConfig: { CapAdd: ['SYS_ADMIN'] } }, 'added capabilities'],
  ])('flags %j', (body, reason) => {
    expect(unsafeSpecReasons(body)).toContain(reason);
  });
});

describe('innerDaemonJson', () => {
  it('merges the user settings but keeps the network settings secure-dind owns', () => {
    const config = parseSessionConfig({
      'daemon-config': '{"registry-mirrors":["https://m.example"],"debug":true}',
    });
    const json = innerDaemonJson(config, innerRangesFrom(parseCidr('10.210.0.0/16')!), 1400);
    expect(json).toMatchObject({
      'registry-mirrors': ['https://m.example'],
      debug: true,
      bip: '10.210.0.1/24',
      mtu: 1400,
      'default-address-pools': [{ base: '10.210.128.0/17', size: 24 }],
    });
    expect(json).not.toHaveProperty('hosts');
  });

  it('lets a user set the inner shutdown timeout', () => {
    const config = parseSessionConfig({ 'daemon-config': '{"shutdown-timeout":9}' });
    expect(
      innerDaemonJson(config, innerRangesFrom(parseCidr('10.210.0.0/16')!), 1500)['shutdown-timeout'],
    ).toBe(9);
  });
});

describe('daemonFilesTar', () => {
  it('puts daemon.json and the server certificates where docker:dind reads them, the key private', () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemon-files-'));
    try {
      const files = { 'ca.pem': 'CA\n', 'cert.pem': 'CERT\n', 'key.pem': 'KEY\n' };
      execFileSync('tar', ['-x', '-C', dir, '-f', '-'], { input: daemonFilesTar({ mtu: 1400 }, files) });
      expect(JSON.parse(readFileSync(join(dir, 'etc/docker/daemon.json'), 'utf8'))).toEqual({ mtu: 1400 });
      for (const [name, content] of Object.entries(files)) {
        expect(readFileSync(join(dir, 'certs/server', name), 'utf8')).toBe(content);
      }
      expect(statSync(join(dir, 'certs/server')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'certs/server/key.pem')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'etc')).mode & 0o777).toBe(0o755);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
