/**
 * Ends a session: graceful stop (SIGTERM to the daemon, so inner containers stop and
 * /var/lib/docker is flushed), then removal of everything but the cache volume. Idempotent, safe
 * after a half-finished launch or a crash (resources are found by label, not only by the record),
 * and never throws: problems become warnings in the report.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../core/errors.js';
import { LABELS, OWNER } from '../core/names.js';
import { DAEMON_TLS_PORT, innerContainerStopSeconds } from '../core/spec.js';
import { DEFAULT_ENGINE_HOST, type EnginePort } from '../ports.js';
import { connectHostEngine } from './engine.js';
import { type DaemonAddress, type TlsClientFiles, innerDaemonRequest } from '../engine/http.js';
import { enforceHostBudget, pruneInnerDaemon, touchCacheVolume } from './cache.js';
import { defaultStateDir, removeCertDir } from './host.js';
import { leasedBy, releaseLease } from './networks.js';
import { removeSessionRecord } from './records.js';
import type { Logger, Session, SessionState, TeardownReport } from './types.js';

export interface TeardownOptions {
  readonly log?: Logger;
  readonly engine?: EnginePort;
  readonly stateDir?: string;
  /** Overrides the session's grace period (e.g. 0 after a failed launch whose daemon never ran). */
  readonly graceSeconds?: number;
  /**
   * Talk to the daemon before stopping it (default true): prune its cache to the per-volume
   * budget, stop its containers. False after a failed launch: that daemon never answered.
   */
  readonly reachDaemon?: boolean;
}

/**
 * The state of a session known only by its id (no record: another process, a lost state dir).
 * Enough for teardown, which finds the session's resources by label; the cache is always kept.
 */
export function labelOnlyState(
  sessionId: string,
  options: { readonly engineHost?: string | undefined; readonly stopTimeoutSeconds: number },
): SessionState {
  return {
    version: 1,
    sessionId,
    engineHost: options.engineHost,
    cache: true,
    stopTimeoutSeconds: options.stopTimeoutSeconds,
    cacheMaxSize: undefined,
    cacheTotalMaxSize: undefined,
  };
}

export async function teardown(
  target: Session | SessionState,
  options: TeardownOptions = {},
): Promise<TeardownReport> {
  const started = Date.now();
  const state = 'state' in target ? target.state : target;
  const removed: string[] = [];
  const kept: string[] = [];
  const warnings: string[] = [];
  const log = options.log;
  const stateDir = options.stateDir ?? defaultStateDir();
  const step = async (what: string, action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      warnings.push(`${what}: ${describeError(error)}`);
      log?.warn(`teardown: ${what}: ${describeError(error)}`);
    }
  };

  const engine = options.engine ?? connectHostEngine(state.engineHost ?? DEFAULT_ENGINE_HOST, log);
  const mine = { [LABELS.owner]: OWNER, [LABELS.session]: state.sessionId };
  const grace = options.graceSeconds ?? state.stopTimeoutSeconds;

  // Without a record (teardown by id alone) the daemon's label says where its certificates are.
  let certDir = state.certDir;
  await step('containers', async () => {
    for (const container of await engine.listContainers(mine)) {
      certDir ??= container.labels[LABELS.certDir];
      await step(`container ${container.name}`, async () => {
        if (
          options.reachDaemon !== false &&
          container.state === 'running' &&
          container.labels[LABELS.role] === 'daemon'
        ) {
          const client = await innerClient(engine, state, container.id).catch(() => undefined);
          if (client) {
            if (state.cache && state.cacheMaxSize !== undefined) {
              const budget = state.cacheMaxSize;
              await step('cache budget', () => pruneToBudget(client, budget, log));
            }
            // On SIGTERM dockerd would give each container its own stop timeout (10 s by default).
            await step('inner containers', () =>
              stopInnerContainers(client, innerContainerStopSeconds(grace)),
            );
          }
        }
        await engine.stopContainer(container.id, grace);
        if (await engine.removeContainer(container.id)) removed.push(`container ${container.name}`);
      });
    }
  });

  // A spare network the session leased carries no session label: its lease names it.
  const leases = await leasedBy(stateDir, state.sessionId).catch(() => []);
  certDir ??= leases[0]?.certDir;
  await step('networks', async () => {
    const labelled = (await engine.listNetworks(mine)).map((network) => network.name);
    for (const name of new Set([...labelled, ...leases.map((lease) => lease.network)])) {
      await step(`network ${name}`, async () => {
        const network = await engine.inspectNetwork(name);
        // A launch killed before its container existed: the network's label names the cert dir.
        certDir ??= network?.labels[LABELS.certDir];
        // Whatever is still attached (a runner container launch attached) would block removal.
        for (const attached of network?.containers ?? []) await engine.disconnectNetwork(name, attached);
        if (network && (await engine.removeNetwork(name))) removed.push(`network ${name}`);
        await releaseLease(stateDir, name);
      });
    }
  });

  await step('volumes', async () => {
    for (const volume of await engine.listVolumes({ ...mine, [LABELS.role]: 'scratch' })) {
      await step(`volume ${volume.name}`, async () => {
        if (await engine.removeVolume(volume.name)) removed.push(`volume ${volume.name}`);
      });
    }
  });

  if (state.cache && state.volumeName) {
    const volumeName = state.volumeName;
    kept.push(`volume ${volumeName}`);
    await step('cache record', () => touchCacheVolume(stateDir, volumeName));
  }

  if (certDir) {
    const path = certDir;
    await step(`certs ${path}`, async () => {
      if (await removeCertDir(path)) removed.push(`certs ${path}`);
    });
  }

  // The record goes with the session; one whose teardown met problems stays for gc to retry.
  if (warnings.length === 0)
    await step('session record', () => removeSessionRecord(stateDir, state.sessionId));

  if (state.cache && state.cacheTotalMaxSize !== undefined) {
    const budget = state.cacheTotalMaxSize;
    await step('host cache budget', async () => {
      for (const name of await enforceHostBudget(engine, stateDir, budget, log))
        removed.push(`volume ${name}`);
    });
  }

  return { sessionId: state.sessionId, removed, kept, warnings, milliseconds: Date.now() - started };
}

interface InnerClient {
  readonly address: DaemonAddress;
  readonly tls: TlsClientFiles;
}

/** How to reach the session's running daemon over its own mutual TLS; undefined when we cannot. */
async function innerClient(
  engine: EnginePort,
  state: SessionState,
  containerId: string,
): Promise<InnerClient | undefined> {
  if (!state.certDir || !state.networkName) return undefined;
  const container = await engine.inspectContainer(containerId);
  const host = container?.networks[state.networkName]?.IPAddress;
  if (!host) return undefined;
  const [ca, cert, key] = await Promise.all(
    ['ca.pem', 'cert.pem', 'key.pem'].map((file) => readFile(join(state.certDir!, file), 'utf8')),
  );
  // Every session certificate names the daemon "docker", whatever its address on this network.
  return {
    address: { host, port: DAEMON_TLS_PORT, servername: 'docker' },
    tls: { ca: ca!, cert: cert!, key: key! },
  };
}

/** Prunes inside the running daemon down to the per-volume budget. */
async function pruneToBudget(client: InnerClient, budget: number, log: Logger | undefined): Promise<void> {
  const { before, after } = await pruneInnerDaemon(client.address, client.tls, budget);
  if (after < before) log?.info(`cache budget: pruned the daemon's cache from ${before} to ${after} bytes`);
}

/** Stops the daemon's running containers at once, each with SIGTERM then SIGKILL after `seconds`. */
async function stopInnerContainers(client: InnerClient, seconds: number): Promise<void> {
  const running = await innerDaemonRequest<{ Id: string }[]>(
    client.address,
    client.tls,
    'GET',
    '/containers/json',
  );
  await Promise.all(
    (running ?? []).map(
      (container) =>
        innerDaemonRequest(
          client.address,
          client.tls,
          'POST',
          `/containers/${container.Id}/stop?t=${seconds}`,
          {
            timeoutMs: (seconds + 15) * 1000,
          },
        ).catch(() => undefined), // already stopped (304) or gone: fine
    ),
  );
}
