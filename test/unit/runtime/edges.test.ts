import { describe, expect, it } from 'vitest';
import { SystemError } from '../../../src/core/errors.js';
import { bootstrapSysbox, verifyInstall } from '../../../src/runtime/apply.js';
import { SYSBOX_RELEASES } from '../../../src/runtime/compat.js';
import { ensureRuntime } from '../../../src/runtime/ensure.js';
import { gatherHostFacts } from '../../../src/runtime/facts.js';
import { fakeClock } from '../../support/fake-clock.js';
import { edges, memoryFiles, scriptedEngine, scriptedRunner, type Answer } from './fake-host.js';
import { collectingLogger } from '../../support/collecting-logger.js';

const SYSBOX_VERSION_OUTPUT = (version: string) =>
  `sysbox-runc\n\tedition: \tCommunity Edition (CE)\n\tversion: \t${version}\n\tcommit: \tabc\n`;
const DEB = '/var/cache/secure-dind/sysbox-ce_0.7.1.linux_amd64.deb';
const HOST_FILES = {
  '/etc/os-release': 'ID=ubuntu\nVERSION_ID="24.04"\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\n',
  '/proc/version': 'Linux version 6.8.0-45-generic (buildd@lcy02) #45-Ubuntu SMP\n',
  '/proc/filesystems': 'nodev\tsysfs\n\text4\n',
  '/proc/1/comm': 'systemd\n',
  '/proc/self/mountinfo': '29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n',
  '/etc/docker/daemon.json': '{"log-driver": "local"}',
};
const UNITS = 'systemctl is-active sysbox sysbox-mgr sysbox-fs';
const DPKG = 'dpkg-query -W -f ${Status} ${Version} sysbox-ce';

/** A host whose Sysbox (this version, or none) the plan's apt-get install replaces with 0.7.1. */
function hostWithSysbox(installed: string | undefined, options: { registersOnInstall?: boolean } = {}) {
  let version = installed;
  const runner = scriptedRunner({
    'uname -m': 'x86_64\n',
    [UNITS]: () =>
      version ? 'active\nactive\nactive\n' : { exitCode: 3, stdout: 'inactive\n'.repeat(3), stderr: '' },
    [DPKG]: () =>
      version ? `install ok installed ${version}-0` : { exitCode: 1, stdout: '', stderr: 'no packages' },
    '/usr/bin/sysbox-runc --version': () => SYSBOX_VERSION_OUTPUT(version ?? ''),
    'apt-get remove -y sysbox-ce': () => ((version = undefined), ''),
    'apt-get update': '',
    'apt-get install -y --no-install-recommends fuse3': '',
    [`apt-get install -y ${DEB}`]: () => ((version = '0.7.1'), ''),
  } satisfies Record<string, Answer>);
  const registered = () => version !== undefined && (options.registersOnInstall ?? true);
  const engine = scriptedEngine({
    runtimes: () => ({ runc: 'runc', ...(registered() ? { 'sysbox-runc': '/usr/bin/sysbox-runc' } : {}) }),
    containers: [{ id: 'c1', name: 'web', runtime: 'runc' }],
    uidMap: '         0     165536      65536\n',
  });
  const downloaded: string[] = [];
  const downloader = {
    download: async (url: string) => (
      downloaded.push(url),
      { bytes: 1, sha256: SYSBOX_RELEASES['0.7.1']!.assets.amd64!.sha256 }
    ),
  };
  const files = memoryFiles(HOST_FILES);
  return { runner, engine, files, downloaded, edges: edges({ runner, files, engine, downloader }) };
}

describe('gathering host facts', () => {
  it('reads each source once into plain facts', async () => {
    const host = hostWithSysbox('0.7.1');
    const facts = await gatherHostFacts(host.edges, 'sysbox-runc');
    expect(facts).toEqual({
      machine: 'x86_64',
      osRelease: { id: 'ubuntu', versionId: '24.04', idLike: ['debian'], prettyName: 'Ubuntu 24.04.1 LTS' },
      kernel: '6.8.0-45-generic',
      shiftfs: false,
      pid1: 'systemd',
      docker: {
        reachable: true,
        info: expect.objectContaining({ serverVersion: '27.3.1', rootless: false }),
        containers: [{ id: 'c1', name: 'web', running: true, runtime: 'runc' }],
      },
      bridgeAddress: '172.17.0.1/16',
      snapDocker: false,
      varLibFs: 'ext4',
      daemonJson: expect.objectContaining({ state: 'ok', hasBip: false }),
      fusermount: 'none',
      fusermountLocal: undefined,
      units: { sysbox: 'active', 'sysbox-mgr': 'active', 'sysbox-fs': 'active' },
      runtimeName: 'sysbox-runc',
      runtimeIdentity: { kind: 'sysbox', version: '0.7.1', edition: 'Community Edition (CE)' },
      packageVersion: '0.7.1-0',
    });
    expect(host.engine.calls).not.toContain('runToCompletion sysbox-runc');
  });

  it('records an engine that does not answer, and asks systemd nothing it cannot', async () => {
    const host = hostWithSysbox(undefined);
    const facts = await gatherHostFacts(
      {
        ...host.edges,
        engine: scriptedEngine({ runtimes: () => ({}), unreachable: 'connect ENOENT /x.sock' }),
      },
      'sysbox-runc',
    );
    expect(facts.docker).toEqual({ reachable: false, error: 'connect ENOENT /x.sock' });
    expect(facts.bridgeAddress).toBeUndefined();
    expect(facts.runtimeIdentity).toBeUndefined();
  });
});

describe('bootstrap: facts, plan, apply, verify', () => {
  it('installs on a fresh host, waits for the reload, and verifies with a smoke container', async () => {
    const host = hostWithSysbox(undefined);
    const clock = fakeClock();
    const outcome = await bootstrapSysbox(host.edges, { clock });
    expect(host.downloaded).toEqual([SYSBOX_RELEASES['0.7.1']!.assets.amd64!.url]);
    expect(host.runner.ran.filter((line) => line.startsWith('apt-get'))).toEqual([
      'apt-get update',
      'apt-get install -y --no-install-recommends fuse3',
      `apt-get install -y ${DEB}`,
    ]);
    expect(JSON.parse(host.files.files.get('/etc/docker/daemon.json')!)).toMatchObject({
      'log-driver': 'local',
      bip: '172.17.0.1/16',
    });
    expect(outcome.verification.map((c) => [c.id, c.status, c.detail])).toEqual([
      ['units', 'pass', 'sysbox, sysbox-mgr, sysbox-fs active'],
      ['runtime', 'pass', 'registered: /usr/bin/sysbox-runc'],
      ['smoke', 'pass', "a sysbox-runc container's uid_map: 0 165536 65536"],
    ]);
    expect(clock.pauses).toEqual([]);
  });

  it('fails with the fix when the engine never lists the runtime, after waiting on the clock', async () => {
    const host = hostWithSysbox(undefined, { registersOnInstall: false });
    const clock = fakeClock();
    const failure = bootstrapSysbox(host.edges, { clock, verifyWaitMs: 2_000 });
    await expect(failure).rejects.toThrow(SystemError);
    await expect(failure).rejects.toMatchObject({
      message: 'Sysbox verification failed: the engine does not list it',
      hint: 'check /etc/docker/daemon.json has runtimes.sysbox-runc and send dockerd SIGHUP (systemctl reload docker)',
    });
    expect(clock.pauses).toEqual([500, 500, 500, 500]);
    expect(host.engine.calls).not.toContain('runToCompletion sysbox-runc');
  });

  it('verifies an up-to-date host without changing it', async () => {
    const host = hostWithSysbox('0.7.1');
    const outcome = await bootstrapSysbox(host.edges, { clock: fakeClock() });
    expect(outcome.plan).toMatchObject({ upToDate: true, steps: [] });
    expect(host.runner.ran.some((line) => line.startsWith('apt-get'))).toBe(false);
    expect(outcome.verification.every((c) => c.status === 'pass')).toBe(true);
  });

  it('verifyInstall alone re-gathers the facts it judges', async () => {
    const host = hostWithSysbox('0.7.1');
    const checks = await verifyInstall(host.edges, { runtime: 'sysbox-runc', smokeImage: 'busybox' });
    expect(checks.map((c) => c.id)).toEqual(['units', 'runtime', 'smoke']);
    expect(host.engine.calls).toContain('imageExists busybox');
  });
});

describe('ensureRuntime before a session', () => {
  it('uses a registered Sysbox as it is', async () => {
    const host = hostWithSysbox('0.7.1');
    await expect(ensureRuntime({ install: 'never', edges: host.edges })).resolves.toEqual({
      runtime: 'sysbox-runc',
      sysboxVersion: '0.7.1',
      installed: false,
    });
    expect(host.runner.ran).toEqual(['/usr/bin/sysbox-runc --version']);
  });

  it('warns about a registered runtime that is not Sysbox and never installs over it', async () => {
    const host = hostWithSysbox('0.7.1');
    const runner = scriptedRunner({ '/usr/bin/sysbox-runc --version': 'runc version 1.1.5\n' });
    const said: string[] = [];
    const status = await ensureRuntime({
      install: 'auto',
      isRoot: true,
      edges: { ...host.edges, runner },
      log: collectingLogger(said),
    });
    const warning =
      'runtime sysbox-runc is registered but is not Sysbox (/usr/bin/sysbox-runc reports "runc version 1.1.5"): sessions get that runtime\'s isolation, not Sysbox\'s (see secure-dind doctor)';
    expect(status).toEqual({ runtime: 'sysbox-runc', sysboxVersion: undefined, installed: false, warning });
    expect(said).toEqual([`warning: ${warning}`]);
  });

  it.each([
    [
      'never',
      true,
      'install Sysbox on the runner host with `sudo secure-dind bootstrap` (or set install-runtime: auto with a root runner)',
    ],
    [
      'auto',
      false,
      'installing Sysbox needs root: run `sudo secure-dind bootstrap` on the runner host once (see docs/runner-host.md)',
    ],
  ] as const)('with install %s and root %s, fails with the fix', async (install, isRoot, hint) => {
    const host = hostWithSysbox(undefined);
    await expect(ensureRuntime({ install, isRoot, edges: host.edges })).rejects.toMatchObject({
      message: 'runtime sysbox-runc is not registered with the Docker engine',
      hint,
    });
  });

  it('upgrades a Sysbox older than the minimum when allowed and root', async () => {
    const host = hostWithSysbox('0.6.5');
    const said: string[] = [];
    const status = await ensureRuntime({
      install: 'auto',
      isRoot: true,
      edges: host.edges,
      log: collectingLogger(said),
    });
    expect(status).toEqual({ runtime: 'sysbox-runc', sysboxVersion: '0.7.1', installed: true });
    expect(said[0]).toBe(
      'Sysbox 0.6.5 is older than 0.7.1 (0.7.1 fixes a sysbox-fs deadlock when many inner containers start and stop); installing Sysbox',
    );
    expect(host.runner.ran).toContain('apt-get remove -y sysbox-ce');
  });

  it('says the engine is not reachable, with the cause', async () => {
    const engine = scriptedEngine({
      runtimes: () => ({}),
      unreachable: 'connect ENOENT /var/run/docker.sock',
    });
    const failure = ensureRuntime({
      install: 'never',
      edges: { ...hostWithSysbox(undefined).edges, engine },
    });
    await expect(failure).rejects.toMatchObject({
      message: 'the Docker engine is not reachable',
      hint: 'start Docker and check this user may use its socket',
      cause: expect.objectContaining({ message: 'connect ENOENT /var/run/docker.sock' }),
    });
  });
});
