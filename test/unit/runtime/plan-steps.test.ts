import { describe, expect, it } from 'vitest';
import { SystemError } from '../../../src/core/errors.js';
import type { HostFacts } from '../../../src/runtime/facts.js';
import { planInstall, renderPlan, type InstallRequest } from '../../../src/runtime/plan.js';
import { parseDaemonJson } from '../../../src/runtime/preflight.js';
import { engineWith, facts } from './host-facts.js';

const AMD64_DEB = '/var/cache/secure-dind/sysbox-ce_0.7.1.linux_amd64.deb';
const PINNED_URL =
  'https://github.com/nestybox/sysbox/releases/download/v0.7.1/sysbox-ce_0.7.1.linux_amd64.deb';
const PINNED_SHA = '9d6d5484f980d0a17f86c492c1262015c2afb66280bdb97215b79fde6a0261c5';
const DOWNLOAD = `download ${PINNED_URL} to ${AMD64_DEB} and check its sha256 is ${PINNED_SHA} (pinned)`;
const APT_STEPS = [
  'refresh the apt package lists',
  'install fuse3 first, so the Sysbox package does not swap FUSE versions',
  'install sysbox-ce 0.7.1 with its dependencies',
];
const web = { id: 'a', name: 'web', running: true, runtime: 'runc' };
const registered = { 'sysbox-runc': '/usr/bin/sysbox-runc' };

describe('the install plan: host facts and the request in, ordered steps out', () => {
  it.each<[string, Partial<HostFacts>, InstallRequest, string[], string[]]>([
    ['a fresh host', {}, {}, [], [DOWNLOAD, ...APT_STEPS]],
    [
      'a new enough Sysbox, registered',
      { packageVersion: '0.7.1-0', docker: engineWith(registered) },
      {},
      ['sysbox-ce 0.7.1-0 is installed and sysbox-runc is registered: nothing to install'],
      [],
    ],
    [
      'the same Sysbox installed but not registered',
      { packageVersion: '0.7.1-0' },
      {},
      ['sysbox-ce 0.7.1-0 is installed but sysbox-runc is not registered: reinstalling'],
      [DOWNLOAD, ...APT_STEPS],
    ],
    [
      'an older Sysbox no container uses',
      { packageVersion: '0.6.5-0', docker: engineWith(registered, [web]) },
      {},
      [],
      [
        DOWNLOAD,
        'remove sysbox-ce 0.6.5-0 (Sysbox upgrades go through an uninstall)',
        "write bip 172.17.0.1/16 and default-address-pools (Docker's current values) to /etc/docker/daemon.json, so the Sysbox installer need not restart Docker with 1 container(s) present",
        ...APT_STEPS,
      ],
    ],
    [
      'containers, and bip already set',
      { docker: engineWith({}, [web]), daemonJson: parseDaemonJson('{"bip": "10.9.0.1/24"}') },
      {},
      [],
      [
        DOWNLOAD,
        "write bip 10.9.0.1/24 and default-address-pools (Docker's current values) to /etc/docker/daemon.json, so the Sysbox installer need not restart Docker with 1 container(s) present",
        ...APT_STEPS,
      ],
    ],
    [
      'a fusermount3 profile that blocks Sysbox',
      { fusermount: 'blocks-sysbox' },
      {},
      [],
      [
        DOWNLOAD,
        'allow fusermount3 to mount /var/lib/sysboxfs in /etc/apparmor.d/local/fusermount3',
        'reload /etc/apparmor.d/fusermount3',
        ...APT_STEPS,
      ],
    ],
    [
      "an administrator's package on arm64",
      { machine: 'aarch64' },
      { url: 'https://mirror.example/sysbox.deb', sha256: 'A'.repeat(64), cacheDir: '/tmp/c' },
      [],
      [
        `download https://mirror.example/sysbox.deb to /tmp/c/sysbox-ce_0.7.1.linux_arm64.deb and check its sha256 is ${'a'.repeat(64)} (override)`,
        ...APT_STEPS,
      ],
    ],
  ])('%s', (_case, override, request, notes, steps) => {
    const plan = planInstall(facts(override), request);
    expect(plan.notes).toEqual(notes);
    expect(plan.steps.map((step) => step.describe)).toEqual(steps);
    expect(plan.upToDate).toBe(steps.length === 0);
  });

  it.each<[string, Partial<HostFacts>, string, string]>([
    [
      'an engine that does not answer',
      { docker: { reachable: false, error: 'connect ENOENT /var/run/docker.sock' } },
      'the Docker engine is not reachable',
      'install and start Docker Engine first (the Sysbox installer registers itself with it)',
    ],
    [
      'an unsupported machine',
      { machine: 'armv7l' },
      'architecture armv7l is not supported',
      'Sysbox packages exist for amd64 and arm64 only',
    ],
    [
      'invalid daemon.json',
      { daemonJson: parseDaemonJson('[]') },
      '/etc/docker/daemon.json is not valid JSON: the top level is not a JSON object',
      'fix /etc/docker/daemon.json first; nothing was changed',
    ],
    [
      'an upgrade under a running Sysbox container',
      {
        packageVersion: '0.6.5-0',
        docker: engineWith(registered, [{ id: 'b', name: 'job-42', running: true, runtime: 'sysbox-runc' }]),
      },
      'sysbox-ce 0.6.5-0 must be removed before 0.7.1 goes in, but 1 container(s) use sysbox-runc: job-42',
      'secure-dind never stops containers; rerun once they are gone (jobs finished, or secure-dind gc)',
    ],
    [
      'containers, no bip, and docker0 unknown',
      { docker: engineWith({}, [web]), bridgeAddress: undefined },
      '1 container(s) exist and /etc/docker/daemon.json has no "bip", but docker0\'s address is unknown',
      'add "bip" (docker0\'s current address, e.g. "172.17.0.1/16") to /etc/docker/daemon.json, then rerun',
    ],
  ])('refuses %s, saying why and what to do', (_case, override, message, hint) => {
    let refusal: unknown;
    try {
      planInstall(facts(override), {});
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(SystemError);
    expect(refusal).toMatchObject({ message, hint });
  });

  it('renders numbered steps and the verification last', () => {
    expect(renderPlan(planInstall(facts({ packageVersion: '0.7.1-0' }), {}))).toBe(
      [
        'sysbox-ce 0.7.1-0 is installed but sysbox-runc is not registered: reinstalling',
        `1. ${DOWNLOAD}`,
        ...APT_STEPS.map((step, index) => `${index + 2}. ${step}`),
        '5. verify: sysbox, sysbox-mgr, sysbox-fs active, runtime registered, smoke container in a user namespace',
        '',
      ].join('\n'),
    );
  });
});
