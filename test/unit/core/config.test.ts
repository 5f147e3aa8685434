import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE, type RawSettings, parseSessionConfig } from '../../../src/core/config.js';
import { BadInputError } from '../../../src/core/errors.js';

function refusal(raw: RawSettings): BadInputError {
  try {
    parseSessionConfig(raw);
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('parseSessionConfig defaults', () => {
  it('gives a secure, cached configuration when nothing is set', () => {
    const config = parseSessionConfig({});
    expect(config.runtime).toBe('sysbox-runc');
    expect(config.image).toBe(DEFAULT_IMAGE);
    expect(config.cache).toBe(true);
    expect(config.cacheMaxSize).toBe(20 * 1024 ** 3);
    expect(config.startupTimeoutSeconds).toBe(60);
    expect(config.daemonConfig).toEqual({});
    expect(config.mtu).toBeUndefined();
  });

  it('treats empty and blank values as unset (GitHub passes "" for unset inputs)', () => {
    expect(parseSessionConfig({ image: '', mtu: '  ', cache: '' })).toEqual(parseSessionConfig({}));
  });
});

describe('parseSessionConfig accepts', () => {
  it.each<[RawSettings, Partial<ReturnType<typeof parseSessionConfig>>]>([
    [{ image: 'registry.example.com:5000/team/dind:1.2@sha256:' + 'a'.repeat(64) }, {}],
    [{ image: 'secure-dind/runner-image:dev' }, { image: 'secure-dind/runner-image:dev' }],
    [{ image: 'Registry.Example.com/team/dind' }, {}],
    [{ image: 'localhost/dind:1' }, {}],
    [{ cache: 'false' }, { cache: false }],
    [{ cache: 'YES' }, { cache: true }],
    [{ 'cache-max-size': '512m' }, { cacheMaxSize: 512 * 1024 ** 2 }],
    [{ 'cache-total-max-size': '1.5GB' }, { cacheTotalMaxSize: 1.5e9 }],
    [{ cpus: '1.5' }, { cpus: 1.5 }],
    [{ memory: '4g' }, { memory: 4 * 1024 ** 3 }],
    [{ mtu: '576' }, { mtu: 576 }],
    [{ mtu: '9000' }, { mtu: 9000 }],
    [{ 'startup-timeout': '2m' }, { startupTimeoutSeconds: 120 }],
    [{ deadline: '1h' }, { deadlineSeconds: 3600 }],
    [{ 'engine-host': 'tcp://10.0.0.5:2375' }, { engineHost: 'tcp://10.0.0.5:2375' }],
    [
      { 'daemon-config': '{"registry-mirrors":["https://mirror.example.com"]}' },
      { daemonConfig: { 'registry-mirrors': ['https://mirror.example.com'] } },
    ],
  ])('%j', (raw, expected) => {
    expect(parseSessionConfig(raw)).toMatchObject(expected);
  });

  it('reduces an address pool to its network', () => {
    expect(parseSessionConfig({ 'address-pool': '10.50.3.7/16' }).addressPool).toEqual({
      base: (10 * 2 ** 24 + 50 * 2 ** 16) >>> 0,
      prefix: 16,
    });
  });
});

describe('parseSessionConfig refuses, naming the setting, the value and the accepted form', () => {
  it.each<[RawSettings, string, RegExp]>([
    [{ runtime: 'sysbox runc' }, 'runtime', /runtime name/],
    [{ runtime: '--privileged' }, 'runtime', /runtime name/],
    [{ image: 'Docker:dind' }, 'image', /image reference/],
    [{ image: 'UPPER/case' }, 'image', /image reference/],
    [{ image: 'team/UPPER' }, 'image', /image reference/],
    [{ image: 'docker:dind --privileged' }, 'image', /image reference/],
    [{ image: 'docker:dind;rm -rf /' }, 'image', /image reference/],
    [{ image: 'x'.repeat(300) }, 'image', /image reference/],
    [{ cache: 'maybe' }, 'cache', /true or false/],
    [{ 'cache-key': '$(whoami)' }, 'cache-key', /letters, digits/],
    [{ 'cache-key': 'a b' }, 'cache-key', /letters, digits/],
    [{ 'cache-max-size': '-1' }, 'cache-max-size', /size/],
    [{ 'cache-max-size': 'ten gigs' }, 'cache-max-size', /size/],
    [{ 'cache-total-max-size': '10' }, 'cache-total-max-size', /at least/],
    [{ cpus: '0' }, 'cpus', /positive number/],
    [{ cpus: '-2' }, 'cpus', /positive number/],
    [{ cpus: 'two' }, 'cpus', /positive number/],
    [{ memory: '1k' }, 'memory', /at least/],
    [{ 'pids-limit': '-5' }, 'pids-limit', /whole number/],
    [{ 'pids-limit': '12.5' }, 'pids-limit', /whole number/],
    [{ mtu: '575' }, 'mtu', /576 to 9000/],
    [{ mtu: '9001' }, 'mtu', /576 to 9000/],
    [{ mtu: '1500abc' }, 'mtu', /576 to 9000/],
    [{ 'address-pool': '10.0.0.0' }, 'address-pool', /CIDR/],
    [{ 'address-pool': '10.0.0.300/16' }, 'address-pool', /CIDR/],
    [{ 'address-pool': '10.0.0.0/24' }, 'address-pool', /\/8 to \/20/],
    [{ 'daemon-config': 'not json' }, 'daemon-config', /JSON object/],
    [{ 'daemon-config': '[1,2]' }, 'daemon-config', /JSON object/],
    [{ 'daemon-config': '"text"' }, 'daemon-config', /JSON object/],
    [{ 'daemon-config': '{"hosts":["tcp://0.0.0.0:2375"]}' }, 'daemon-config', /without "hosts"/],
    [{ 'daemon-config': '{"tls":false}' }, 'daemon-config', /without "tls"/],
    [{ 'daemon-config': '{"tlsverify":false}' }, 'daemon-config', /without "tlsverify"/],
    [{ 'daemon-config': '{"data-root":"/mnt"}' }, 'daemon-config', /without "data-root"/],
    [{ 'daemon-config': '{"bip":"172.17.0.1/16"}' }, 'daemon-config', /address-pool/],
    [{ 'daemon-config': '{"--privileged":true}' }, 'daemon-config', /known daemon.json keys/],
    [{ 'daemon-config': '{"metrics-addr":"0.0.0.0:9323"}' }, 'daemon-config', /plain-HTTP/],
    [{ 'daemon-config': '{"live-restore":true}' }, 'daemon-config', /graceful stop/],
    [{ 'startup-timeout': '0' }, 'startup-timeout', /between 1 s/],
    [{ 'startup-timeout': 'soon' }, 'startup-timeout', /duration/],
    [{ 'stop-timeout': '-1' }, 'stop-timeout', /duration/],
    [{ deadline: '10s' }, 'deadline', /between 60 s/],
    [{ 'engine-host': 'http://x' }, 'engine-host', /unix:\/\//],
    [{ 'cache-slots': '0' }, 'cache-slots', /1 to 64/],
  ])('%j', (raw, setting, accepted) => {
    const error = refusal(raw);
    expect(error.kind).toBe('bad-input');
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(setting);
    expect(error.message).toContain(JSON.stringify(Object.values(raw)[0]!.trim().slice(0, 200)).slice(0, 40));
    expect(error.accepted).toMatch(accepted);
  });

  it('names the setting as the user wrote it', () => {
    const error = refusal({ mtu: '10' });
    expect(() => parseSessionConfig({ mtu: '10' }, (name) => `input '${name}'`)).toThrow(
      /invalid input 'mtu'/,
    );
    expect(error.setting).toBe('mtu');
  });
});
