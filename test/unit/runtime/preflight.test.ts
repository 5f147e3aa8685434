import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  filesystemFromMountinfo,
  fusermountProfileState,
  parseDaemonJson,
  parseDockerInfo,
  parseDpkgQuery,
  parseFindmnt,
  parseIdMap,
  parseOsRelease,
  parseProcVersion,
  parseRuntimeVersion,
  parseSystemctlIsActive,
  parseUnameMachine,
  rootIsRemapped,
} from '../../../src/runtime/preflight.js';

const fixtures = join(import.meta.dirname, '../../fixtures/runtime');
const fixture = (path: string) => readFileSync(join(fixtures, path), 'utf8');

describe('os-release', () => {
  it.each([
    ['ubuntu-18.04', 'ubuntu', '18.04', 'Ubuntu 18.04.6 LTS'],
    ['ubuntu-20.04', 'ubuntu', '20.04', 'Ubuntu 20.04.6 LTS'],
    ['ubuntu-22.04', 'ubuntu', '22.04', 'Ubuntu 22.04.4 LTS'],
    ['ubuntu-24.04', 'ubuntu', '24.04', 'Ubuntu 24.04.1 LTS'],
    ['debian-10', 'debian', '10', 'Debian GNU/Linux 10 (buster)'],
    ['debian-11', 'debian', '11', 'Debian GNU/Linux 11 (bullseye)'],
    ['debian-12', 'debian', '12', 'Debian GNU/Linux 12 (bookworm)'],
  ])('%s', (file, id, versionId, prettyName) => {
    expect(parseOsRelease(fixture(`os-release/${file}`))).toMatchObject({ id, versionId, prettyName });
  });

  it('covers every captured file', () => {
    expect(readdirSync(join(fixtures, 'os-release'))).toHaveLength(7);
  });

  it('reads ID_LIKE and rejects a file without ID', () => {
    expect(parseOsRelease(fixture('os-release/ubuntu-24.04'))?.idLike).toEqual(['debian']);
    expect(parseOsRelease('NAME=nothing\n')).toBeUndefined();
  });
});

describe('/proc/version and uname', () => {
  it.each([
    ['ubuntu-24.04', '6.8.0-45-generic'],
    ['ubuntu-22.04', '5.15.0-119-generic'],
    ['ubuntu-20.04', '5.4.0-196-generic'],
    ['debian-10', '4.19.0-27-amd64'],
    ['debian-11-arm64', '5.10.0-32-arm64'],
  ])('%s', (file, release) => {
    expect(parseProcVersion(fixture(`proc-version/${file}`))).toBe(release);
  });

  it('reads this machine', () => {
    expect(parseProcVersion(fixture('proc-version/this-machine'))).toMatch(/^\d+\.\d+/);
    expect(parseProcVersion('garbage')).toBeUndefined();
  });

  it.each([
    ['x86_64\n', 'x86_64'],
    ['Linux vm 6.18.44-fc-v657 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux', 'x86_64'],
    ['Linux pi 6.1.0-rpi7 #1 SMP PREEMPT Debian 1:6.1.63 aarch64 GNU/Linux', 'aarch64'],
  ])('uname %j', (text, machine) => {
    expect(parseUnameMachine(text)).toBe(machine);
  });
});

describe('docker info', () => {
  it('reads a real capture with the stand-in registered', () => {
    const info = parseDockerInfo(fixture('docker-info/standin-registered.json'));
    expect(info?.serverVersion).toBe('20.10.24+dfsg1');
    expect(info?.runtimes['sysbox-runc']).toBe('/usr/local/libexec/secure-dind/sysbox-runc-standin');
    expect(info?.runtimes.runc).toBe('runc');
    expect(info?.rootless).toBe(false);
    expect(info?.defaultRuntime).toBe('runc');
  });

  it('reads a capture without the runtime', () => {
    const info = parseDockerInfo(JSON.parse(fixture('docker-info/no-sysbox.json')));
    expect(info).toBeDefined();
    expect('sysbox-runc' in (info?.runtimes ?? {})).toBe(false);
  });

  it('sees rootless mode in the security options', () => {
    const raw = {
      ...JSON.parse(fixture('docker-info/no-sysbox.json')),
      SecurityOptions: ['name=seccomp,profile=default', 'name=rootless', 'name=cgroupns'],
    };
    expect(parseDockerInfo(raw)?.rootless).toBe(true);
  });

  it('returns undefined for non-JSON', () => {
    expect(parseDockerInfo('Cannot connect to the Docker daemon')).toBeUndefined();
    expect(parseDockerInfo([])).toBeUndefined();
  });
});

describe('daemon.json', () => {
  it('treats a missing or empty file as absent', () => {
    expect(parseDaemonJson(undefined).state).toBe('absent');
    expect(parseDaemonJson('  \n').state).toBe('absent');
  });

  it.each([
    ['empty-object.json', { hasBip: false, hasAddressPools: false, usernsRemap: undefined }],
    ['runtime-only.json', { hasBip: false, hasAddressPools: false }],
    ['network-keys.json', { hasBip: true, hasAddressPools: true }],
    ['userns-remap.json', { usernsRemap: 'default' }],
  ])('%s', (file, expected) => {
    const parsed = parseDaemonJson(fixture(`daemon-json/${file}`));
    expect(parsed.state).toBe('ok');
    expect(parsed).toMatchObject(expected);
  });

  it('reads registered runtimes', () => {
    const parsed = parseDaemonJson(fixture('daemon-json/network-keys.json'));
    expect(parsed.state === 'ok' && parsed.runtimes['sysbox-runc']).toBe('/usr/bin/sysbox-runc');
  });

  it.each(['invalid-json.txt', 'not-an-object.json'])('reports %s as invalid with the reason', (file) => {
    const parsed = parseDaemonJson(fixture(`daemon-json/${file}`));
    expect(parsed.state).toBe('invalid');
    expect(parsed.state === 'invalid' && parsed.error.length).toBeGreaterThan(0);
  });
});

describe('filesystems', () => {
  it('finds the filesystem under /var/lib on this machine', () => {
    expect(filesystemFromMountinfo(fixture('mountinfo-this-machine'), '/var/lib/sysbox')).toBe(
      parseFindmnt(fixture('findmnt-var-lib.txt')),
    );
  });

  it('prefers the deepest mount point', () => {
    const mountinfo = [
      '22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
      '30 22 252:2 / /var/lib rw,relatime shared:2 - btrfs /dev/vdb rw,space_cache',
      '31 22 252:3 / /var/library rw,relatime shared:3 - xfs /dev/vdc rw',
    ].join('\n');
    expect(filesystemFromMountinfo(mountinfo, '/var/lib/sysbox')).toBe('btrfs');
    expect(filesystemFromMountinfo(mountinfo, '/var/library/x')).toBe('xfs');
    expect(filesystemFromMountinfo(mountinfo, '/home')).toBe('ext4');
  });

  it('reads both findmnt forms', () => {
    expect(parseFindmnt('xfs\n')).toBe('xfs');
    expect(parseFindmnt(fixture('findmnt-var-lib.txt'))).toBe('ext4');
  });
});

describe('systemctl, runtime version, uid_map, dpkg, AppArmor', () => {
  it('maps is-active lines to units in order', () => {
    expect(parseSystemctlIsActive(['sysbox', 'sysbox-mgr', 'sysbox-fs'], 'active\nactive\nfailed\n')).toEqual(
      {
        sysbox: 'active',
        'sysbox-mgr': 'active',
        'sysbox-fs': 'failed',
      },
    );
    expect(parseSystemctlIsActive(['sysbox'], '')).toEqual({ sysbox: 'unknown' });
  });

  it('recognises real Sysbox', () => {
    expect(parseRuntimeVersion(fixture('sysbox-runc-version-0.6.5.txt'))).toEqual({
      kind: 'sysbox',
      version: '0.6.5',
      edition: 'Community Edition (CE)',
    });
  });

  it.each(['standin-version.txt', 'runc-version.txt'])('does not take %s for Sysbox', (file) => {
    const identity = parseRuntimeVersion(fixture(file));
    expect(identity.kind).toBe('not-sysbox');
    expect(identity.kind === 'not-sysbox' && identity.firstLine).toBe(fixture(file).split('\n')[0]);
  });

  it('tells a remapped root from the initial user namespace', () => {
    expect(rootIsRemapped(parseIdMap('         0     165536      65536\n'))).toBe(true);
    expect(rootIsRemapped(parseIdMap('         0          0 4294967295\n'))).toBe(false);
    expect(rootIsRemapped(parseIdMap(''))).toBe(false);
  });

  it('reads dpkg-query status', () => {
    expect(parseDpkgQuery('install ok installed 0.7.1-0')).toBe('0.7.1-0');
    expect(parseDpkgQuery('deinstall ok config-files 0.6.5-0')).toBeUndefined();
  });

  it('judges the fusermount3 AppArmor profile', () => {
    expect(fusermountProfileState(undefined, undefined)).toBe('none');
    expect(fusermountProfileState('profile fusermount3 /usr/bin/fusermount3 {}', undefined)).toBe(
      'blocks-sysbox',
    );
    expect(
      fusermountProfileState('profile fusermount3 {}', '  mount fstype=fuse -> /var/lib/sysboxfs/**/,\n'),
    ).toBe('allows-sysbox');
  });
});
