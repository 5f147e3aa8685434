/**
 * The Sysbox checks: its units, the runtime registered under the session runtime's name and what it
 * really is, its version; and, after an install, registration and a smoke container's user
 * namespace (VERIFY_CHECKS). The units check serves doctor and the verification alike.
 */
import { MIN_SYSBOX_REASON, MIN_SYSBOX_VERSION, parseLooseVersion, versionAtLeast } from './compat.js';
import { check, fail, pass, warn, type HostCheck } from './checks.js';
import { DAEMON_JSON, SYSBOX_UNITS, type HostFacts } from './facts.js';
import { parseIdMap, rootIsRemapped } from './preflight.js';

/**
 * The one Sysbox-units check. Doctor judges whatever systemd says (Sysbox runs as systemd units);
 * after an install on a host without systemd as PID 1 (a sandbox) the units are only reported as
 * not checked: registration and the smoke container show whether the install worked.
 */
function sysboxUnitsCheck(withoutSystemd: 'judge' | 'report'): HostCheck {
  return check(
    'units',
    'Sysbox units',
    ['units', 'pid1', 'packageVersion'],
    ({ units, pid1, packageVersion }) => {
      if (pid1 !== 'systemd' && withoutSystemd === 'report') {
        return warn(`not checked: PID 1 is ${pid1 ?? 'unknown'}, not systemd`);
      }
      const fix = packageVersion
        ? 'sudo systemctl restart sysbox; see journalctl -u sysbox-mgr -u sysbox-fs'
        : 'secure-dind bootstrap installs Sysbox';
      if (!units) {
        return fail(
          `cannot ask systemd (${pid1 === 'systemd' ? 'systemctl failed' : 'systemd is not PID 1'})`,
          fix,
        );
      }
      const inactive = SYSBOX_UNITS.filter((unit) => units[unit] !== 'active');
      if (inactive.length === 0) return pass(`${SYSBOX_UNITS.join(', ')} active`);
      return fail(inactive.map((unit) => `${unit}: ${units[unit]}`).join(', '), fix);
    },
  );
}

export const sysboxUnits = sysboxUnitsCheck('judge');

const runtimeTitle = ({ runtimeName }: Pick<HostFacts, 'runtimeName'>) => `runtime ${runtimeName}`;

export const runtimeIsSysbox = check(
  'runtime',
  runtimeTitle,
  ['docker', 'runtimeName', 'runtimeIdentity'],
  ({ docker, runtimeName: runtime, runtimeIdentity: identity }) => {
    if (!docker.reachable) return fail('not checked (engine not reachable)', 'start Docker first');
    const runtimes = docker.info.runtimes;
    if (!(runtime in runtimes)) {
      return fail(
        `not registered with the engine (runtimes: ${Object.keys(runtimes).join(', ') || 'none'})`,
        'secure-dind bootstrap installs Sysbox, whose installer registers it',
      );
    }
    const path = runtimes[runtime] || runtime;
    if (identity?.kind === 'sysbox') {
      return pass(`registered (${path}): Sysbox ${identity.version}, ${identity.edition}`);
    }
    return fail(
      `runtime ${runtime} is registered but is not Sysbox: ${path} reports "${identity?.firstLine ?? 'nothing'}"`,
      `sessions would run without Sysbox's isolation; remove that entry from ${DAEMON_JSON} and run secure-dind bootstrap`,
    );
  },
);

export const sysboxVersion = check(
  'sysbox-version',
  'Sysbox version',
  ['runtimeIdentity', 'packageVersion'],
  ({ runtimeIdentity: identity, packageVersion }) => {
    const installed = identity?.kind === 'sysbox' ? identity.version : packageVersion;
    if (installed === undefined || parseLooseVersion(installed) === undefined) {
      return fail(
        'Sysbox is not installed',
        `secure-dind bootstrap installs Sysbox CE ${MIN_SYSBOX_VERSION}`,
      );
    }
    if (versionAtLeast(installed, MIN_SYSBOX_VERSION)) {
      return pass(`${installed} (minimum ${MIN_SYSBOX_VERSION})`);
    }
    return fail(
      `${installed} is older than ${MIN_SYSBOX_VERSION} (${MIN_SYSBOX_REASON})`,
      'secure-dind bootstrap upgrades it (after the Sysbox containers on this host are gone)',
    );
  },
);

/** After an install, registration is what matters: the smoke container shows what the runtime does. */
const runtimeRegistered = check(
  'runtime',
  runtimeTitle,
  ['docker', 'runtimeName'],
  ({ docker, runtimeName: runtime }) =>
    docker.reachable && runtime in docker.info.runtimes
      ? pass(`registered: ${docker.info.runtimes[runtime]}`)
      : fail(
          'the engine does not list it',
          `check ${DAEMON_JSON} has runtimes.${runtime} and send dockerd SIGHUP (systemctl reload docker)`,
        ),
);

const userNamespace = check(
  'smoke',
  'user namespace',
  ['smoke', 'runtimeName'],
  ({ smoke, runtimeName: runtime }) => {
    if (smoke === undefined) return undefined;
    if ('error' in smoke) {
      return fail(
        `smoke container under ${runtime} failed: ${smoke.error}`,
        'see journalctl -u sysbox-mgr -u sysbox-fs and the Docker daemon log',
      );
    }
    const mapping = smoke.uidMap.trim().replace(/\s+/g, ' ');
    return rootIsRemapped(parseIdMap(smoke.uidMap))
      ? pass(`a ${runtime} container's uid_map: ${mapping}`)
      : fail(
          `a ${runtime} container runs without a user namespace (uid_map: ${mapping}); this runtime is not isolating like Sysbox`,
          'run secure-dind doctor to see what the runtime really is',
        );
  },
);

export const VERIFY_CHECKS: readonly HostCheck[] = [
  sysboxUnitsCheck('report'),
  runtimeRegistered,
  userNamespace,
];
