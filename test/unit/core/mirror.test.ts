import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import {
  DEFAULT_UPSTREAM,
  MIRROR,
  mirrorContainerSpec,
  mirrorLabels,
  mirrorUrl,
  parseMirrorOptions,
  parseRegistryMirror,
  withRegistryMirror,
} from '../../../src/core/mirror.js';
import { unsafeSpecReasons } from '../../../src/core/spec.js';

describe('the registry-mirror setting', () => {
  it.each([
    ['off', { mode: 'off' }],
    ['auto', { mode: 'auto' }],
    ['http://172.18.0.1:5000', { mode: 'url', url: 'http://172.18.0.1:5000' }],
    ['https://mirror.example.com/', { mode: 'url', url: 'https://mirror.example.com' }],
  ])('accepts %s', (text, setting) => {
    expect(parseRegistryMirror(text)).toEqual(setting);
  });

  it.each([
    'on',
    'mirror.example.com',
    'ftp://mirror.example.com',
    'https://mirror.example.com/v2',
    'https://user:pw@mirror.example.com',
    'https://mirror.example.com?x=1',
  ])('refuses %s', (text) => {
    expect(parseRegistryMirror(text)).toBeUndefined();
  });
});

describe('mirror options', () => {
  it('defaults to Docker Hub, 20 GiB, the network gateway on port 5000', () => {
    expect(parseMirrorOptions({})).toEqual({
      image: 'secure-dind/mirror',
      upstream: DEFAULT_UPSTREAM,
      budget: 20 * 1024 ** 3,
      listenIp: undefined,
      port: 5000,
    });
  });

  it.each([
    [{ listen: '127.0.0.1:6000' }, { listenIp: '127.0.0.1', port: 6000 }],
    [{ listen: ':6000' }, { listenIp: undefined, port: 6000 }],
  ])('reads --listen %j', (raw, expected) => {
    expect(parseMirrorOptions(raw)).toMatchObject(expected);
  });

  it.each([
    [{ listen: '6000' }, '--listen'],
    [{ listen: '300.1.1.1:5000' }, '--listen'],
    [{ listen: '10.0.0.1:70000' }, '--listen'],
    [{ upstream: 'registry-1.docker.io' }, '--upstream'],
    [{ storageBudget: '1m' }, '--storage-budget'],
  ])('refuses %j naming %s', (raw, option) => {
    expect(() => parseMirrorOptions(raw)).toThrow(BadInputError);
    expect(() => parseMirrorOptions(raw)).toThrow(option);
  });

  it('gives sessions the gateway when published on every address', () => {
    expect(mirrorUrl({ listenIp: '0.0.0.0', port: 5000 }, '172.20.0.1')).toBe('http://172.20.0.1:5000');
    expect(mirrorUrl({ listenIp: undefined, port: 5001 }, '172.20.0.1')).toBe('http://172.20.0.1:5001');
    expect(mirrorUrl({ listenIp: '10.1.2.3', port: 5000 }, '172.20.0.1')).toBe('http://10.1.2.3:5000');
  });
});

describe('the mirror container', () => {
  const spec = mirrorContainerSpec(parseMirrorOptions({}), '172.20.0.1', mirrorLabels(new Date(0))) as {
    HostConfig: Record<string, unknown>;
  };

  it('is unprivileged, on its own network, published only on the listen address', () => {
    expect(unsafeSpecReasons(spec)).toEqual([]);
    expect(spec.HostConfig).toMatchObject({
      NetworkMode: MIRROR.network,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      RestartPolicy: { Name: 'unless-stopped' },
      PortBindings: { '5000/tcp': [{ HostIp: '172.20.0.1', HostPort: '5000' }] },
    });
  });
});

describe("the mirror in a session's daemon.json", () => {
  it('comes first, before the mirrors the user configured, once', () => {
    const daemonJson = { 'registry-mirrors': ['https://a.example', 'http://172.20.0.1:5000'], debug: true };
    expect(withRegistryMirror(daemonJson, 'http://172.20.0.1:5000')).toEqual({
      'registry-mirrors': ['http://172.20.0.1:5000', 'https://a.example'],
      debug: true,
    });
  });

  it('leaves the daemon.json alone without an answering mirror', () => {
    expect(withRegistryMirror({ debug: true }, undefined)).toEqual({ debug: true });
  });
});
