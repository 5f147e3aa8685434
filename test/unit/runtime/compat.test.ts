import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import {
  MIN_SYSBOX_VERSION,
  SYSBOX_RELEASES,
  compareVersions,
  debianArch,
  kernelRequirement,
  parseLooseVersion,
  resolveSysboxPackage,
  versionAtLeast,
} from '../../../src/runtime/compat.js';

describe('version comparison', () => {
  it.each([
    ['6.8.0-45-generic', '6.8', true],
    ['6.18.44-fc-v657', '6.8', true],
    ['5.15.0-119-generic', '6.8', false],
    ['5.4.0-196-generic', '5.4', true],
    ['4.19.0-27-amd64', '5.5', false],
    ['20.10.24+dfsg1', '20.10', true],
    ['0.7.1-0', '0.7.1', true],
    ['0.6.5', '0.7.1', false],
    ['0.10.0', '0.7.1', true],
  ])('%s >= %s is %s', (a, b, expected) => {
    expect(versionAtLeast(a, b)).toBe(expected);
  });

  it('orders versions numerically, not as text', () => {
    expect(compareVersions('5.10', '5.9')).toBeGreaterThan(0);
    expect(compareVersions('0.7.1', '0.7.1-0')).toBe(0);
  });

  it('refuses to compare text without a version', () => {
    expect(parseLooseVersion('unknown')).toBeUndefined();
    expect(() => compareVersions('unknown', '1.0')).toThrow(/cannot compare/);
  });
});

describe('kernel requirement per distro', () => {
  it.each([
    ['ubuntu', '18.04', '5.3', true],
    ['ubuntu', '20.04', '5.4', true],
    ['ubuntu', '22.04', '5.15', true],
    ['ubuntu', '24.04', '6.8', true],
    ['debian', '10', '5.5', true],
    ['debian', '11', '5.5', true],
    ['debian', '12', '5.5', false],
    ['fedora', '40', '5.5', false],
  ])('%s %s needs %s (listed: %s)', (id, versionId, minimum, listed) => {
    expect(kernelRequirement({ id, versionId })).toMatchObject({ minimum, listed });
  });
});

describe('architecture', () => {
  it.each([
    ['x86_64', 'amd64'],
    ['aarch64', 'arm64'],
    ['arm64', 'arm64'],
    ['armv7l', undefined],
    ['riscv64', undefined],
  ])('%s maps to %s', (machine, arch) => {
    expect(debianArch(machine)).toBe(arch);
  });
});

describe('pinned Sysbox packages', () => {
  it('pins a URL and a sha256 for both architectures of every listed release', () => {
    for (const release of Object.values(SYSBOX_RELEASES)) {
      expect(versionAtLeast(release.version, MIN_SYSBOX_VERSION)).toBe(true);
      for (const arch of ['amd64', 'arm64'] as const) {
        const asset = release.assets[arch];
        expect(asset?.url).toMatch(new RegExp(`^https://.*${release.version}.*${arch}\\.deb$`));
        expect(asset?.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(asset?.digestSource.length).toBeGreaterThan(20);
      }
    }
  });

  it('resolves the pinned asset for the default version', () => {
    const pkg = resolveSysboxPackage({ version: '0.7.1', arch: 'arm64' });
    expect(pkg).toMatchObject({ source: 'pinned', arch: 'arm64', version: '0.7.1' });
    expect(pkg.url).toBe(SYSBOX_RELEASES['0.7.1']?.assets.arm64?.url);
    expect(pkg.sha256).toBe(SYSBOX_RELEASES['0.7.1']?.assets.arm64?.sha256);
  });

  it('lets an administrator override URL and digest', () => {
    const sha = 'a'.repeat(64);
    const pkg = resolveSysboxPackage({
      version: '0.7.2',
      arch: 'amd64',
      url: 'https://mirror.example/s.deb',
      sha256: sha.toUpperCase(),
    });
    expect(pkg).toMatchObject({ source: 'override', url: 'https://mirror.example/s.deb', sha256: sha });
  });

  it.each([
    [{ version: '0.6.5', arch: 'amd64' as const }, /0\.7\.1 or newer/],
    [{ version: 'latest', arch: 'amd64' as const }, /a version such as/],
    [{ version: '0.7.2', arch: 'amd64' as const }, /pinned version/],
    [{ version: '0.7.1', arch: 'amd64' as const, url: 'https://mirror.example/s.deb' }, /sha256/],
    [{ version: '0.7.1', arch: 'amd64' as const, sha256: 'abc' }, /64 hexadecimal/],
    [
      {
        version: '0.7.1',
        arch: 'amd64' as const,
        url: 'http://mirror.example/s.deb',
        sha256: 'b'.repeat(64),
      },
      /https/,
    ],
  ])('refuses %o', (request, message) => {
    expect(() => resolveSysboxPackage(request)).toThrow(BadInputError);
    expect(() => resolveSysboxPackage(request)).toThrow(message);
  });
});
