/** Host facts for the runtime's pure tests: a fresh Ubuntu 24.04 host with Docker and no Sysbox. */
import type { HostFacts } from '../../../src/runtime/facts.js';
import { parseDockerInfo } from '../../../src/runtime/preflight.js';

export const dockerInfo = parseDockerInfo({
  ServerVersion: '27.3.1',
  Runtimes: { runc: { path: 'runc' } },
  SecurityOptions: [],
})!;

export function facts(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    machine: 'x86_64',
    osRelease: { id: 'ubuntu', versionId: '24.04', idLike: ['debian'], prettyName: 'Ubuntu 24.04.1 LTS' },
    kernel: '6.8.0-45-generic',
    shiftfs: false,
    pid1: 'systemd',
    docker: { reachable: true, info: dockerInfo, containers: [] },
    bridgeAddress: '172.17.0.1/16',
    snapDocker: false,
    varLibFs: 'ext4',
    daemonJson: { state: 'absent' },
    fusermount: 'none',
    fusermountLocal: undefined,
    units: { sysbox: 'inactive', 'sysbox-mgr': 'inactive', 'sysbox-fs': 'inactive' },
    runtimeName: 'sysbox-runc',
    runtimeIdentity: undefined,
    packageVersion: undefined,
    ...overrides,
  };
}

/** The engine part of the facts with these runtimes registered (besides runc) and these containers. */
export function engineWith(
  runtimes: Record<string, string>,
  containers: Extract<HostFacts['docker'], { reachable: true }>['containers'] = [],
): HostFacts['docker'] {
  return {
    reachable: true,
    info: { ...dockerInfo, runtimes: { ...dockerInfo.runtimes, ...runtimes } },
    containers,
  };
}
