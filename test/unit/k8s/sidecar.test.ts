/** The sidecar's settings and dockerd arguments: what it listens on decides who can reach it. */
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import { parseSidecarSettings } from '../../../src/k8s/sidecar.js';
import { dockerdArgs, listenAddress } from '../../../src/k8s/sidecar-daemon.js';

const FILES = {
  configFile: '/run/secure-dind/daemon.json',
  caFile: '/run/secure-dind/ca.pem',
  certFile: '/run/secure-dind/cert.pem',
  keyFile: '/run/secure-dind/key.pem',
  pidFile: '/run/secure-dind/dockerd.pid',
};

describe('sidecar settings', () => {
  it('default to the loopback listener and the docker:dind client directory', () => {
    expect(parseSidecarSettings({})).toMatchObject({
      listen: 'loopback',
      clientUid: 0,
      certDir: '/certs/client',
      cacheDir: '/var/lib/secure-dind',
    });
  });

  it.each([
    [{ SECURE_DIND_LISTEN: 'everywhere' }, 'SECURE_DIND_LISTEN'],
    [{ SECURE_DIND_CLIENT_UID: 'runner' }, 'SECURE_DIND_CLIENT_UID'],
    [{ SECURE_DIND_LISTEN: 'pod' }, 'SECURE_DIND_POD_IP'],
    [{ SECURE_DIND_LISTEN: 'pod', SECURE_DIND_POD_IP: '10.0.0.300' }, 'SECURE_DIND_POD_IP'],
  ])('refuse %j naming %s', (env, setting) => {
    expect(() => parseSidecarSettings(env)).toThrow(BadInputError);
    expect(() => parseSidecarSettings(env)).toThrow(setting);
  });
});

describe('dockerd arguments', () => {
  it('serve only mutual TLS on the pod loopback, with no unix socket', () => {
    const args = dockerdArgs(FILES, '/var/lib/secure-dind/slot-0/docker', 'loopback');
    expect(args.filter((a) => a.startsWith('--host'))).toEqual(['--host=tcp://127.0.0.1:2376']);
    expect(args).toContain('--tlsverify');
    expect(args).toContain('--data-root=/var/lib/secure-dind/slot-0/docker');
    expect(args.join(' ')).not.toMatch(/unix:|2375/);
  });

  it('listen on every pod address only when asked', () => {
    expect(listenAddress('pod')).toBe('0.0.0.0');
    expect(listenAddress('loopback')).toBe('127.0.0.1');
  });
});
