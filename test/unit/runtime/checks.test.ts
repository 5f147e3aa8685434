import { describe, expect, it } from 'vitest';
import { runChecks, type Check } from '../../../src/runtime/checks.js';
import { renderChecks } from '../../../src/runtime/doctor.js';
import type { HostFacts } from '../../../src/runtime/facts.js';
import { HOST_CHECKS, evaluateHost } from '../../../src/runtime/host-checks.js';
import { parseDaemonJson } from '../../../src/runtime/preflight.js';
import { VERIFY_CHECKS } from '../../../src/runtime/sysbox-checks.js';
import { engineWith, facts } from './host-facts.js';

const sysbox = { kind: 'sysbox', version: '0.7.1', edition: 'Community Edition (CE)' } as const;
const activeUnits = { sysbox: 'active', 'sysbox-mgr': 'active', 'sysbox-fs': 'active' };

const resultOf = (checks: readonly Check[], id: string) => {
  const { status, detail, fix } = checks.find((c) => c.id === id) ?? {};
  return { status, detail, fix };
};

describe('the host checks table (what doctor shows)', () => {
  it.each<[string, Partial<HostFacts>, string, Omit<Check, 'id' | 'title'>]>([
    [
      'an unsupported machine',
      { machine: 'armv7l' },
      'arch',
      {
        status: 'fail',
        detail: 'armv7l is not supported',
        fix: 'Sysbox packages exist for amd64 (x86_64) and arm64 (aarch64) only',
      },
    ],
    [
      'a distribution without .deb packages',
      { osRelease: { id: 'fedora', versionId: '40', idLike: [], prettyName: 'Fedora 40' } },
      'distro',
      {
        status: 'fail',
        detail: 'Fedora 40: Sysbox ships .deb packages only',
        fix: 'use Ubuntu 22.04/24.04 or Debian, or build Sysbox from source (Sysbox developer guide)',
      },
    ],
    [
      'an untested Debian-family release',
      { osRelease: { id: 'debian', versionId: '12', idLike: [], prettyName: 'Debian GNU/Linux 12' } },
      'distro',
      {
        status: 'warn',
        detail: "Debian GNU/Linux 12 is not in Sysbox's list of tested releases",
        fix: 'Ubuntu 24.04 or 22.04 are the best-trodden paths; other Debian-family releases usually work',
      },
    ],
    [
      'a kernel older than the release needs',
      { kernel: '5.15.0-119-generic' },
      'kernel',
      {
        status: 'fail',
        detail: "5.15.0-119-generic is older than 6.8, Sysbox's minimum for ubuntu 24.04",
        fix: "install a newer kernel (e.g. the distro's HWE kernel) and reboot",
      },
    ],
    [
      'neither ID-mapped mounts nor shiftfs',
      { kernel: '5.10.0-32-arm64', shiftfs: false },
      'idmap',
      {
        status: 'fail',
        detail: 'kernel older than 5.12 and no shiftfs',
        fix: 'upgrade to kernel 5.12+ or install the shiftfs module',
      },
    ],
    [
      'no systemd',
      { pid1: 'init' },
      'systemd',
      {
        status: 'fail',
        detail: 'PID 1 is init',
        fix: 'the Sysbox package runs its daemons as systemd units; use a host (or VM) booted with systemd',
      },
    ],
    [
      'an engine that does not answer (first line of the error)',
      { docker: { reachable: false, error: 'connect ENOENT /var/run/docker.sock\nmore' } },
      'docker',
      {
        status: 'fail',
        detail: 'not reachable: connect ENOENT /var/run/docker.sock',
        fix: "install Docker Engine (apt install docker.io, or docker-ce from Docker's repository) and start it; check /var/run/docker.sock permissions",
      },
    ],
    [
      'snap Docker',
      { snapDocker: true },
      'docker-install',
      {
        status: 'fail',
        detail: 'Docker is the snap package, which Sysbox does not support',
        fix: 'sudo snap remove docker, then install Docker natively (apt)',
      },
    ],
    [
      'a filesystem Sysbox is not tested on',
      { varLibFs: 'xfs' },
      'filesystem',
      {
        status: 'warn',
        detail: 'xfs; Sysbox keeps its data in /var/lib/sysbox and is tested on ext4 and btrfs',
        fix: 'put /var/lib (or /var/lib/sysbox) on ext4 or btrfs',
      },
    ],
    [
      'userns-remap in daemon.json',
      { daemonJson: parseDaemonJson('{"userns-remap": "default"}') },
      'daemon-json',
      {
        status: 'warn',
        detail: 'userns-remap is set (default); Sysbox does not need it and it limits every container',
        fix: 'remove "userns-remap" from /etc/docker/daemon.json and restart Docker',
      },
    ],
    [
      'containers and no bip or address pools',
      { docker: engineWith({}, [{ id: 'a', name: 'web', running: true, runtime: 'runc' }]) },
      'network-keys',
      {
        status: 'warn',
        detail:
          '1 container(s) exist and /etc/docker/daemon.json lacks bip and default-address-pools: the Sysbox installer would refuse (it must restart Docker to add them)',
        fix: 'secure-dind bootstrap writes both keys first (keeping the current docker0 address), so Docker need not restart',
      },
    ],
    [
      'a fusermount3 profile that blocks Sysbox',
      { fusermount: 'blocks-sysbox' },
      'apparmor',
      {
        status: 'warn',
        detail:
          '/etc/apparmor.d/fusermount3 confines fusermount3 and does not allow /var/lib/sysboxfs: Sysbox containers fail to start',
        fix: 'add "mount fstype=fuse -> /var/lib/sysboxfs/**/," to /etc/apparmor.d/local/fusermount3 and run apparmor_parser -r /etc/apparmor.d/fusermount3 (secure-dind bootstrap does this)',
      },
    ],
    [
      'inactive units before Sysbox is installed',
      {},
      'units',
      {
        status: 'fail',
        detail: 'sysbox: inactive, sysbox-mgr: inactive, sysbox-fs: inactive',
        fix: 'secure-dind bootstrap installs Sysbox',
      },
    ],
    [
      'a failed unit of an installed Sysbox',
      { units: { ...activeUnits, 'sysbox-fs': 'failed' }, packageVersion: '0.7.1-0' },
      'units',
      {
        status: 'fail',
        detail: 'sysbox-fs: failed',
        fix: 'sudo systemctl restart sysbox; see journalctl -u sysbox-mgr -u sysbox-fs',
      },
    ],
    [
      'units on a host without systemd',
      { pid1: 'init', units: undefined },
      'units',
      {
        status: 'fail',
        detail: 'cannot ask systemd (systemd is not PID 1)',
        fix: 'secure-dind bootstrap installs Sysbox',
      },
    ],
    [
      'an unregistered runtime',
      {},
      'runtime',
      {
        status: 'fail',
        detail: 'not registered with the engine (runtimes: runc)',
        fix: 'secure-dind bootstrap installs Sysbox, whose installer registers it',
      },
    ],
    [
      'a registered runtime that is not Sysbox',
      {
        docker: engineWith({ 'sysbox-runc': '/usr/local/bin/wrapper' }),
        runtimeIdentity: { kind: 'not-sysbox', firstLine: 'runc version 1.1.5' },
      },
      'runtime',
      {
        status: 'fail',
        detail:
          'runtime sysbox-runc is registered but is not Sysbox: /usr/local/bin/wrapper reports "runc version 1.1.5"',
        fix: "sessions would run without Sysbox's isolation; remove that entry from /etc/docker/daemon.json and run secure-dind bootstrap",
      },
    ],
    [
      'a Sysbox older than the minimum',
      { packageVersion: '0.6.5-0' },
      'sysbox-version',
      {
        status: 'fail',
        detail:
          '0.6.5-0 is older than 0.7.1 (0.7.1 fixes a sysbox-fs deadlock when many inner containers start and stop)',
        fix: 'secure-dind bootstrap upgrades it (after the Sysbox containers on this host are gone)',
      },
    ],
  ])('%s', (_case, override, id, expected) => {
    expect(resultOf(evaluateHost(facts(override)), id)).toEqual(expected);
  });

  it('passes a ready host, in the order doctor prints, with the runtime in its title', () => {
    const ready = facts({
      units: activeUnits,
      docker: engineWith({ 'sysbox-runc': '/usr/bin/sysbox-runc' }),
      runtimeIdentity: sysbox,
      packageVersion: '0.7.1-0',
    });
    const checks = evaluateHost(ready);
    expect(checks.map((c) => c.id)).toEqual(HOST_CHECKS.map((c) => c.id));
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(checks.find((c) => c.id === 'runtime')).toEqual({
      id: 'runtime',
      title: 'runtime sysbox-runc',
      status: 'pass',
      detail: 'registered (/usr/bin/sysbox-runc): Sysbox 0.7.1, Community Edition (CE)',
    });
  });

  it('hands each check only the facts it names', () => {
    const seen: (keyof HostFacts)[][] = [];
    const spy = HOST_CHECKS.map((spec) => ({
      ...spec,
      judge: (view: HostFacts) => (seen.push(Object.keys(view) as (keyof HostFacts)[]), spec.judge(view)),
    }));
    runChecks(spy, facts());
    expect(seen).toEqual(HOST_CHECKS.map((spec) => [...spec.looksAt]));
  });

  it('renders a failing check with its fix on the next line and the verdict last', () => {
    const text = renderChecks(evaluateHost(facts({ pid1: 'init', units: undefined })));
    expect(text).toContain(
      'FAIL  systemd as PID 1             PID 1 is init\n' +
        '                                   fix: the Sysbox package runs its daemons as systemd units; use a host (or VM) booted with systemd\n',
    );
    expect(text.endsWith('\nNOT READY: 10 pass, 0 warn, 4 fail\n')).toBe(true);
  });
});

describe('the verification table (what bootstrap asks after installing)', () => {
  const installed = (override: Partial<HostFacts>) =>
    facts({
      units: activeUnits,
      packageVersion: '0.7.1-0',
      docker: engineWith({ 'sysbox-runc': '/usr/bin/sysbox-runc' }),
      ...override,
    });

  it.each<[string, Partial<HostFacts>, string, Omit<Check, 'id' | 'title'>]>([
    [
      'the runtime listed',
      {},
      'runtime',
      { status: 'pass', detail: 'registered: /usr/bin/sysbox-runc', fix: undefined },
    ],
    [
      'the runtime still unlisted',
      { docker: engineWith({}) },
      'runtime',
      {
        status: 'fail',
        detail: 'the engine does not list it',
        fix: 'check /etc/docker/daemon.json has runtimes.sysbox-runc and send dockerd SIGHUP (systemctl reload docker)',
      },
    ],
    [
      'a smoke container with root remapped',
      { smoke: { uidMap: '         0     165536      65536\n' } },
      'smoke',
      { status: 'pass', detail: "a sysbox-runc container's uid_map: 0 165536 65536", fix: undefined },
    ],
    [
      'a smoke container in the host user namespace',
      { smoke: { uidMap: '0 0 4294967295\n' } },
      'smoke',
      {
        status: 'fail',
        detail:
          'a sysbox-runc container runs without a user namespace (uid_map: 0 0 4294967295); this runtime is not isolating like Sysbox',
        fix: 'run secure-dind doctor to see what the runtime really is',
      },
    ],
    [
      'a smoke container that could not run',
      { smoke: { error: 'smoke container under sysbox-runc exited with 1: boom' } },
      'smoke',
      {
        status: 'fail',
        detail:
          'smoke container under sysbox-runc failed: smoke container under sysbox-runc exited with 1: boom',
        fix: 'see journalctl -u sysbox-mgr -u sysbox-fs and the Docker daemon log',
      },
    ],
    [
      'no systemd in a sandbox: reported, not faked, whatever systemctl printed',
      { pid1: 'sh', units: { sysbox: 'exec failed', 'sysbox-mgr': 'unknown', 'sysbox-fs': 'unknown' } },
      'units',
      { status: 'warn', detail: 'not checked: PID 1 is sh, not systemd', fix: undefined },
    ],
  ])('%s', (_case, override, id, expected) => {
    expect(resultOf(runChecks(VERIFY_CHECKS, installed(override)), id)).toEqual(expected);
  });

  it('leaves the smoke check out when no smoke container ran', () => {
    expect(runChecks(VERIFY_CHECKS, installed({})).map((c) => c.id)).toEqual(['units', 'runtime']);
  });

  it.each<[string, Partial<HostFacts>]>([
    ['active units', {}],
    ['a failed unit', { units: { ...activeUnits, 'sysbox-mgr': 'failed' } }],
    ['systemctl failing under systemd', { units: undefined }],
  ])('judges %s as doctor does', (_case, override) => {
    const host = installed(override);
    expect(resultOf(runChecks(VERIFY_CHECKS, host), 'units')).toEqual(resultOf(evaluateHost(host), 'units'));
  });
});
