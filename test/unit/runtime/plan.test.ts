import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemError } from '../../../src/core/errors.js';
import { SYSBOX_RELEASES } from '../../../src/runtime/compat.js';
import { executePlan } from '../../../src/runtime/apply.js';
import type { HostContainer, HostFacts } from '../../../src/runtime/facts.js';
import { evaluateHost } from '../../../src/runtime/host-checks.js';
import { createHostFiles, type CommandRunner } from '../../../src/runtime/host.js';
import { type DaemonJson, parseDaemonJson } from '../../../src/runtime/preflight.js';
import { planInstall } from '../../../src/runtime/plan.js';
import { choosePrivilege } from '../../../src/cli/commands/bootstrap.js';
import { dockerInfo, engineWith, facts } from './host-facts.js';

const statusOf = (f: HostFacts, id: string) => evaluateHost(f).find((c) => c.id === id)?.status;

describe('doctor judgement', () => {
  it('a fresh Ubuntu 24.04 host fails only on what bootstrap installs', () => {
    const failing = evaluateHost(facts())
      .filter((c) => c.status === 'fail')
      .map((c) => c.id);
    expect(failing.sort()).toEqual(['runtime', 'sysbox-version', 'units']);
  });

  it('a ready host passes everything', () => {
    const ready = facts({
      units: { sysbox: 'active', 'sysbox-mgr': 'active', 'sysbox-fs': 'active' },
      docker: {
        reachable: true,
        info: { ...dockerInfo, runtimes: { runc: 'runc', 'sysbox-runc': '/usr/bin/sysbox-runc' } },
        containers: [],
      },
      runtimeIdentity: { kind: 'sysbox', version: '0.7.1', edition: 'Community Edition (CE)' },
      packageVersion: '0.7.1-0',
    });
    expect(evaluateHost(ready).filter((c) => c.status !== 'pass')).toEqual([]);
  });

  it('says a registered runtime that is not Sysbox is not Sysbox', () => {
    const standIn = facts({
      docker: {
        reachable: true,
        info: { ...dockerInfo, runtimes: { 'sysbox-runc': '/usr/local/libexec/x' } },
        containers: [],
      },
      runtimeIdentity: { kind: 'not-sysbox', firstLine: 'sysbox-runc-standin (test double, not Sysbox)' },
    });
    const check = evaluateHost(standIn).find((c) => c.id === 'runtime');
    expect(check?.status).toBe('fail');
    expect(check?.detail).toContain('registered but is not Sysbox');
  });

  it.each([
    [{ kernel: '5.15.0-119-generic' }, 'kernel', 'fail'],
    [
      {
        osRelease: { id: 'ubuntu', versionId: '22.04', idLike: ['debian'], prettyName: 'Ubuntu 22.04' },
        kernel: '5.15.0-1',
      },
      'kernel',
      'pass',
    ],
    [{ kernel: '5.10.0-32-arm64', shiftfs: false }, 'idmap', 'fail'],
    [{ kernel: '5.10.0-32-arm64', shiftfs: true }, 'idmap', 'pass'],
    [{ machine: 'armv7l' }, 'arch', 'fail'],
    [{ osRelease: { id: 'fedora', versionId: '40', idLike: [], prettyName: 'Fedora 40' } }, 'distro', 'fail'],
    [{ pid1: 'init' }, 'systemd', 'fail'],
    [{ snapDocker: true }, 'docker-install', 'fail'],
    [
      { docker: { reachable: true as const, info: { ...dockerInfo, rootless: true }, containers: [] } },
      'docker-install',
      'fail',
    ],
    [
      { docker: { reachable: false as const, error: 'connect ENOENT /var/run/docker.sock' } },
      'docker',
      'fail',
    ],
    [{ varLibFs: 'xfs' }, 'filesystem', 'warn'],
    [{ daemonJson: parseDaemonJson('{"bip": ') }, 'daemon-json', 'fail'],
    [{ daemonJson: parseDaemonJson('{"userns-remap": "default"}') }, 'daemon-json', 'warn'],
    [
      {
        docker: {
          reachable: true as const,
          info: dockerInfo,
          containers: [{ id: 'a', name: 'web', running: true, runtime: 'runc' }],
        },
      },
      'network-keys',
      'warn',
    ],
    [{ fusermount: 'blocks-sysbox' as const }, 'apparmor', 'warn'],
    [{ packageVersion: '0.6.5-0' }, 'sysbox-version', 'fail'],
  ])('%o -> %s %s', (override, id, status) => {
    expect(statusOf(facts(override as Partial<HostFacts>), id)).toBe(status);
  });
});

/** The parts of a host the install plan looks at, as host facts. */
interface InstallSituation {
  machine: string;
  installedVersion: string;
  runtimeRegistered: boolean;
  containers: HostContainer[];
  daemonJson: DaemonJson;
  bridgeAddress: string;
  fusermount: HostFacts['fusermount'];
  fusermountLocal: string;
}

function state(situation: Partial<InstallSituation> = {}): HostFacts {
  const { installedVersion, runtimeRegistered, containers = [], ...rest } = situation;
  return facts({
    packageVersion: installedVersion,
    docker: engineWith(runtimeRegistered ? { 'sysbox-runc': '/usr/bin/sysbox-runc' } : {}, containers),
    ...rest,
  });
}

const kinds = (steps: readonly { kind: string; describe: string }[]) =>
  steps.map((s) => `${s.kind}: ${s.describe.split(' ').slice(0, 2).join(' ')}`);

describe('install plan', () => {
  it('on a fresh host: download, apt update, fuse3 first, then the package', () => {
    const plan = planInstall(state(), {});
    expect(plan.upToDate).toBe(false);
    expect(plan.steps.map((s) => s.kind)).toEqual(['download', 'run', 'run', 'run']);
    const runs = plan.steps
      .filter((s) => s.kind === 'run')
      .map((s) => (s.kind === 'run' ? s.argv.join(' ') : ''));
    expect(runs[1]).toContain('install -y --no-install-recommends fuse3');
    expect(runs[2]).toMatch(
      /apt-get install -y \/var\/cache\/secure-dind\/sysbox-ce_0\.7\.1\.linux_amd64\.deb$/,
    );
    const download = plan.steps[0];
    expect(download?.kind === 'download' && download.sha256).toBe(
      SYSBOX_RELEASES['0.7.1']?.assets.amd64?.sha256,
    );
  });

  it('is idempotent: nothing to do once a new enough Sysbox is installed and registered', () => {
    const plan = planInstall(state({ installedVersion: '0.7.1-0', runtimeRegistered: true }), {});
    expect(plan).toMatchObject({ upToDate: true, steps: [] });
  });

  it('writes bip and pools with the current docker0 address when containers exist', () => {
    const plan = planInstall(
      state({
        containers: [{ id: 'a', name: 'web', running: true, runtime: 'runc' }],
        daemonJson: parseDaemonJson('{"log-driver": "local"}'),
        bridgeAddress: '172.18.0.1/16',
      }),
      {},
    );
    const write = plan.steps.find((s) => s.kind === 'write-file');
    const written = JSON.parse(write?.kind === 'write-file' ? write.content : '{}');
    expect(written).toMatchObject({ 'log-driver': 'local', bip: '172.18.0.1/16' });
    expect(written['default-address-pools'][0]).toEqual({ base: '172.17.0.0/16', size: 16 });
    expect(plan.steps.findIndex((s) => s.kind === 'write-file')).toBeLessThan(
      plan.steps.findIndex((s) => s.kind === 'run'),
    );
  });

  it('refuses an upgrade while containers use the runtime, and never plans to stop them', () => {
    const busy = state({
      installedVersion: '0.6.5-0',
      runtimeRegistered: true,
      containers: [{ id: 'a', name: 'job-42', running: true, runtime: 'sysbox-runc' }],
    });
    expect(() => planInstall(busy, {})).toThrow(SystemError);
    expect(() => planInstall(busy, {})).toThrow(/job-42/);
  });

  it('upgrades through a removal when no container uses the runtime', () => {
    const plan = planInstall(state({ installedVersion: '0.6.5-0', runtimeRegistered: true }), {});
    expect(kinds(plan.steps)).toContain('run: remove sysbox-ce');
  });

  it('adds the AppArmor rule when the fusermount3 profile would block Sysbox', () => {
    const plan = planInstall(state({ fusermount: 'blocks-sysbox', fusermountLocal: '# local\n' }), {});
    const write = plan.steps.find((s) => s.kind === 'write-file');
    expect(write?.kind === 'write-file' && write.content).toMatch(
      /^# local\n.*\n {2}mount fstype=fuse -> \/var\/lib\/sysboxfs\/\*\*\/,\n$/s,
    );
  });

  it('refuses invalid daemon.json and unsupported machines', () => {
    expect(() => planInstall(state({ daemonJson: parseDaemonJson('{') }), {})).toThrow(/not valid JSON/);
    expect(() => planInstall(state({ machine: 'armv7l' }), {})).toThrow(/not supported/);
  });
});

describe('executing a plan', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('deletes the file and runs nothing after a digest mismatch', async () => {
    root = mkdtempSync(join(tmpdir(), 'plan-'));
    const files = createHostFiles(root);
    const ran: string[] = [];
    const runner: CommandRunner = {
      run: async (argv) => (ran.push(argv.join(' ')), { exitCode: 0, stdout: '', stderr: '' }),
    };
    const plan = planInstall(state(), {});
    const downloader = {
      download: async (_url: string, destination: string) => {
        await files.write(destination.slice(root!.length), 'not the package');
        return { bytes: 15, sha256: 'f'.repeat(64) };
      },
    };
    await expect(executePlan(plan, { runner, files, downloader })).rejects.toThrow(
      /sha256 mismatch.*nothing was installed/,
    );
    expect(readdirSync(join(root, 'var/cache/secure-dind'))).toEqual([]);
    expect(ran).toEqual([]);
  });
});

describe('privilege', () => {
  it('uses root, then sudo, else says exactly what to run', () => {
    expect(choosePrivilege(0, false, ['secure-dind', 'bootstrap'])).toEqual({ kind: 'root' });
    expect(choosePrivilege(1000, true, ['secure-dind', 'bootstrap'])).toEqual({ kind: 'sudo' });
    expect(
      choosePrivilege(1000, false, ['secure-dind', 'bootstrap', '--url', "https://x/a b's.deb"]),
    ).toEqual({
      kind: 'instruct',
      command: `sudo secure-dind bootstrap --url 'https://x/a b'\\''s.deb'`,
    });
  });
});
