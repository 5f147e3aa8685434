/**
 * Property-based: whatever strings reach parseSessionConfig (from an Action input, a CLI option, an
 * environment variable or a GitLab setting), it either refuses them with a BadInputError or returns
 * a config from which only a safe DinD container and a daemon.json without the keys secure-dind owns
 * can be built.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type RawSettings,
  SETTING_NAMES,
  type SettingName,
  parseSessionConfig,
} from '../../../src/core/config.js';
import { ALLOWED_DAEMON_KEYS, RESERVED_DAEMON_KEYS } from '../../../src/core/daemon-config.js';
import { BadInputError } from '../../../src/core/errors.js';
import {
  CERT_DIR_IN_CONTAINER,
  daemonContainerSpec,
  innerDaemonJson,
  unsafeSpecReasons,
} from '../../../src/core/spec.js';
import { chooseInnerRanges } from '../../../src/core/subnets.js';

const NASTY = [
  '--privileged',
  '--privileged=true',
  'true --privileged',
  '; rm -rf / #',
  '$(id)',
  '`id`',
  '&& docker run --privileged -v /:/host alpine',
  '| nc -l 2375',
  '\nexport DOCKER_HOST=tcp://0.0.0.0:2375',
  '-v /var/run/docker.sock:/var/run/docker.sock',
  '/var/run/docker.sock',
  'unix:///var/run/docker.sock',
  'tcp://0.0.0.0:2375',
  'host',
  '--network=host',
  '--pid=host',
  '../../etc/passwd',
  '\u0000',
  '\u202e',
  'ｄｏｃｋｅｒ',
  '🐳',
  ' ',
  '{}',
  '[]',
  'null',
  '{"privileged": true}',
  '{"hosts": ["tcp://0.0.0.0:2375"]}',
  '1e309',
  '-1',
  'NaN',
  'Infinity',
  '0x10',
  '９０',
];

/** Keys a hostile daemon-config might try, besides the documented ones. */
const DAEMON_KEYS = [
  ...Object.keys(RESERVED_DAEMON_KEYS),
  ...ALLOWED_DAEMON_KEYS,
  'privileged',
  '--privileged',
  'Hosts',
  'HOSTS',
  ' hosts',
  'hosts ',
  'tls-verify',
  'tlsVerify',
  'data_root',
  'Data-Root',
  'graph',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
];

const json = (value: unknown) => JSON.stringify(value);

const jsonValue = fc.oneof(
  fc.boolean(),
  fc.integer(),
  fc.string(),
  fc.constantFrom('tcp://0.0.0.0:2375', 'unix:///var/run/docker.sock', '/', '/var/lib/docker'),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...DAEMON_KEYS), fc.string(), { maxKeys: 3 }),
);

/** JSON objects (and near misses) for daemon-config: known, reserved and hostile keys. */
const daemonConfigText = fc.oneof(
  fc.dictionary(fc.constantFrom(...DAEMON_KEYS), jsonValue, { maxKeys: 4 }).map(json),
  fc.dictionary(fc.constantFrom(...ALLOWED_DAEMON_KEYS), jsonValue, { maxKeys: 4 }).map(json),
  fc.dictionary(fc.string(), jsonValue, { maxKeys: 3 }).map(json),
  // Duplicate keys: JSON.parse keeps the last; the raw text still names the first.
  fc
    .tuple(fc.constantFrom(...DAEMON_KEYS), fc.constantFrom(...DAEMON_KEYS), jsonValue, jsonValue)
    .map(([a, b, x, y]) => `{${json(a)}:${json(x)},${json(b)}:${json(y)}}`),
  fc.json(),
  fc.constantFrom('{"__proto__": {"hosts": ["tcp://0.0.0.0:2375"]}}', '{"debug": true', '{"debug": true}}'),
);

/** Values that are valid for each setting, so that many generated records are accepted. */
const VALID: Record<SettingName, fc.Arbitrary<string>> = {
  runtime: fc.constantFrom('sysbox-runc', 'runc', 'my.runtime_2'),
  image: fc.constantFrom(
    'docker:27.5.1-dind',
    'secure-dind/runner-image:dev',
    'registry.example.com:5000/a/b:1',
    'var/run/docker.sock',
  ),
  cache: fc.constantFrom('true', 'false', 'yes', 'off', '1'),
  'cache-key': fc.constantFrom('default', 'gh:owner/repo', 'gitlab/host/project-1/protected', 'a+b=c@d'),
  'cache-max-size': fc.constantFrom('20GiB', '512m', '1.5GB'),
  'cache-total-max-size': fc.constantFrom('100GiB', '1t'),
  cpus: fc.constantFrom('1', '1.5', '0.001', '9999.999'),
  memory: fc.constantFrom('64m', '4g', '8GiB'),
  'pids-limit': fc.constantFrom('64', '16384', '4194304'),
  mtu: fc.constantFrom('576', '1450', '9000'),
  'address-pool': fc.constantFrom('10.200.0.0/16', '192.168.0.0/20', '10.0.0.0/8'),
  'daemon-config': daemonConfigText,
  'startup-timeout': fc.constantFrom('1', '60s', '5m', '1h'),
  'stop-timeout': fc.constantFrom('1', '20s', '10m'),
  deadline: fc.constantFrom('60', '6h', '30d'),
  'engine-host': fc.constantFrom(
    'unix:///var/run/docker.sock',
    'tcp://engine.internal:2376',
    'npipe:////./pipe/docker_engine',
  ),
  'cache-slots': fc.constantFrom('1', '4', '64'),
  'registry-mirror': fc.constantFrom('off', 'auto', 'http://172.18.0.1:5000', 'https://mirror.example.com'),
  'cache-store': fc.constantFrom('off', '/var/lib/secure-dind/store', '/mnt/xfs-cache/', '/srv/a.b/c@d'),
};

const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 256, maxLength: 5_000 }) },
  {
    weight: 1,
    arbitrary: fc.nat({ max: 200_000 }).map((n) => '9'.repeat(n % 20_000) + '.' + '1'.repeat(n % 7)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('a'.repeat(100_000), `${'a-'.repeat(20_000)}!`, `${'1.'.repeat(30_000)}/8`),
  },
  { weight: 2, arbitrary: daemonConfigText },
  // A valid value with hostile text around it.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...SETTING_NAMES), fc.constantFrom(...NASTY), fc.boolean())
      .chain(([setting, nasty, before]) =>
        VALID[setting].map((v) => (before ? `${nasty} ${v}` : `${v} ${nasty}`)),
      ),
  },
);

/** A record of settings (plus unknown names a face might pass through) to raw strings. */
const rawSettings: fc.Arbitrary<RawSettings> = fc
  .tuple(
    fc.record(
      Object.fromEntries(
        SETTING_NAMES.map((name) => [
          name,
          fc.oneof(
            { weight: 4, arbitrary: VALID[name] },
            { weight: 1, arbitrary: hostile },
            { weight: 1, arbitrary: fc.constantFrom('', '  ', undefined) },
          ),
        ]),
      ) as Record<SettingName, fc.Arbitrary<string | undefined>>,
      { requiredKeys: [] },
    ),
    fc.dictionary(
      fc.constantFrom('privileged', '--privileged', 'network', 'pid', 'volumes', 'binds', 'hosts', 'cmd'),
      hostile,
      {
        maxKeys: 2,
      },
    ),
  )
  .map(([known, unknown]) => ({ ...unknown, ...known }) as RawSettings);

const OWNED_KEY = /^(hosts|tls.*|data-root|graph|pidfile)$/i;

function checkAccepted(raw: RawSettings): void {
  const config = parseSessionConfig(raw);
  const labels = { 'dev.secure-dind.owner': 'secure-dind' };
  for (const daemonIp of ['10.199.3.2', undefined]) {
    const spec = daemonContainerSpec({
      config,
      labels,
      volumeName: 'secure-dind-cache-0123456789ab-0',
      networkName: 'secure-dind-net-0123456789ab',
      daemonIp,
      aliases: ['docker'],
    });
    expect(unsafeSpecReasons(spec)).toEqual([]);
    const host = spec.HostConfig as Record<string, unknown>;
    expect(host.Privileged).toBe(false);
    for (const mode of ['PidMode', 'UTSMode', 'UsernsMode', 'NetworkMode', 'IpcMode', 'CgroupnsMode']) {
      expect(host[mode]).not.toBe('host');
    }
    expect(host.NetworkMode).toBe('secure-dind-net-0123456789ab');
    expect(host.Binds).toBeUndefined();
    expect(host.CapAdd).toBeUndefined();
    expect(host.Devices).toBeUndefined();
    expect(host.PortBindings).toBeUndefined();
    expect(host.PublishAllPorts).toBe(false);
    expect(host.Runtime).toBe(config.runtime);
    expect(spec.HostConfig.Mounts).toEqual([
      { Type: 'volume', Source: 'secure-dind-cache-0123456789ab-0', Target: '/var/lib/docker' },
    ]);
    // Nothing from the settings reaches the command line or the environment of the container.
    expect(spec.Cmd).toBeUndefined();
    expect(spec).not.toHaveProperty('Entrypoint');
    expect(spec.Env).toEqual([`DOCKER_TLS_CERTDIR=${CERT_DIR_IN_CONTAINER}`]);
    expect(spec.Labels).toEqual(labels);
  }

  const ranges = chooseInnerRanges([], config.addressPool)!;
  const daemonJson = innerDaemonJson(config, ranges, config.mtu ?? 1500);
  const keys = Object.keys(daemonJson);
  expect(keys.filter((k) => OWNED_KEY.test(k.trim()))).toEqual([]);
  expect(Object.getPrototypeOf(daemonJson)).toBe(Object.prototype);
  for (const k of keys)
    expect(ALLOWED_DAEMON_KEYS.has(k) || ['bip', 'default-address-pools', 'mtu'].includes(k)).toBe(true);
  // The keys secure-dind owns keep its values whatever the user wrote.
  expect(daemonJson.bip).toBe(ranges.bip);
  expect(daemonJson['default-address-pools']).toEqual(ranges.defaultAddressPools);
  expect(daemonJson.mtu).toBe(config.mtu ?? 1500);
  // And the file written into the container says the same after a JSON round trip.
  const written = JSON.parse(JSON.stringify(daemonJson)) as Record<string, unknown>;
  expect(Object.keys(written).filter((k) => OWNED_KEY.test(k.trim()))).toEqual([]);
}

describe('parseSessionConfig, property-based', () => {
  it('refuses only with BadInputError, and what it accepts gives a safe container and daemon.json', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(rawSettings, (raw) => {
        try {
          parseSessionConfig(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(BadInputError);
          expect((error as BadInputError).kind).toBe('bad-input');
          // The message quotes at most 200 characters of the value, whatever its size.
          expect((error as BadInputError).message.length).toBeLessThan(1_000);
          refused += 1;
          return;
        }
        checkAccepted(raw);
        accepted += 1;
      }),
      { numRuns: 1_500 },
    );
    // The generators must reach both outcomes often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  it('never accepts a daemon-config that names a key secure-dind owns, however it is written', () => {
    fc.assert(
      fc.property(daemonConfigText, (text) => {
        let config;
        try {
          config = parseSessionConfig({ 'daemon-config': text });
        } catch (error) {
          expect(error).toBeInstanceOf(BadInputError);
          return;
        }
        for (const key of Object.keys(config.daemonConfig)) {
          expect(ALLOWED_DAEMON_KEYS.has(key)).toBe(true);
          expect(RESERVED_DAEMON_KEYS[key]).toBeUndefined();
        }
        checkAccepted({ 'daemon-config': text });
      }),
      { numRuns: 1_500 },
    );
  });

  it('treats every setting independently: one hostile value is refused naming that setting', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SETTING_NAMES), fc.constantFrom(...NASTY), (setting, value) => {
        try {
          parseSessionConfig({ [setting]: value });
        } catch (error) {
          expect(error).toBeInstanceOf(BadInputError);
          expect((error as BadInputError).setting).toBe(setting);
          return;
        }
        // Accepted: the value must have been harmless for that setting (e.g. "host" as a runtime
        // name, "{}" as daemon-config); the built container is still safe.
        checkAccepted({ [setting]: value });
      }),
      { numRuns: 500 },
    );
  });
});
