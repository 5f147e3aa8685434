/**
 * Ends a session: graceful stop (SIGTERM to the daemon, so inner containers stop and
 * /var/lib/docker is flushed), then removal of everything but the cache volume. Idempotent, safe
 * after a half-finished launch or a crash (resources are found by label, not only by the record),
 * and never throws: problems become warnings in the report.
 */
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describeError } from '../core/errors.js';
import { LABELS, OWNER } from '../core/names.js';
import { DAEMON_TLS_PORT } from '../core/spec.js';
import { DEFAULT_ENGINE_HOST, DockerEngine } from '../engine/docker.js';
import { enforceHostBudget, pruneInnerDaemon, touchCacheVolume } from './cache.js';
import { defaultStateDir } from './host.js';
import type { Logger, Session, SessionState, TeardownReport } from './types.js';

export interface TeardownOptions {
  readonly log?: Logger;
  readonly engine?: DockerEngine;
  readonly stateDir?: string;
  /** Overrides the session's grace period (e.g. 0 after a failed launch whose daemon never ran). */
  readonly graceSeconds?: number;
  /**
   * Prune the daemon's cache down to the per-volume budget before stopping it (default true).
   * False after a failed launch: that daemon never answered, so an attempt only costs time.
   */
  readonly pruneCache?: boolean;
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

  const engine = options.engine ?? new DockerEngine(state.engineHost ?? DEFAULT_ENGINE_HOST, log);
  const mine = { [LABELS.owner]: OWNER, [LABELS.session]: state.sessionId };
  const grace = options.graceSeconds ?? state.stopTimeoutSeconds;

  await step('containers', async () => {
    for (const container of await engine.listContainers(mine)) {
      await step(`container ${container.name}`, async () => {
        if (
          options.pruneCache !== false &&
          container.state === 'running' &&
          container.labels[LABELS.role] === 'daemon'
        ) {
          await step('cache budget', () => pruneToBudget(engine, state, container.id, log));
        }
        await engine.stopContainer(container.id, grace);
        if (await engine.removeContainer(container.id)) removed.push(`container ${container.name}`);
      });
    }
  });

  if (state.clientContainer && state.networkName) {
    const { clientContainer, networkName } = state;
    await step(`detach ${clientContainer}`, async () => {
      await engine.disconnectNetwork(networkName, clientContainer);
    });
  }

  await step('networks', async () => {
    for (const network of await engine.listNetworks(mine)) {
      await step(`network ${network.name}`, async () => {
        if (await engine.removeNetwork(network.name)) removed.push(`network ${network.name}`);
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

  // Only a directory this tool made (by its name) is removed, whatever the state says.
  if (state.certDir && basename(state.certDir).startsWith('secure-dind-')) {
    const certDir = state.certDir;
    await step(`certs ${certDir}`, async () => {
      await rm(certDir, { recursive: true, force: true });
      removed.push(`certs ${certDir}`);
    });
  }

  if (state.cache && state.cacheTotalMaxSize !== undefined) {
    const budget = state.cacheTotalMaxSize;
    await step('host cache budget', async () => {
      for (const name of await enforceHostBudget(engine, stateDir, budget, log))
        removed.push(`volume ${name}`);
    });
  }

  return { sessionId: state.sessionId, removed, kept, warnings, milliseconds: Date.now() - started };
}

/** Prunes inside the running daemon down to the per-volume budget, over the session's own mTLS. */
async function pruneToBudget(
  engine: DockerEngine,
  state: SessionState,
  containerId: string,
  log: Logger | undefined,
): Promise<void> {
  if (!state.cache || state.cacheMaxSize === undefined || !state.certDir || !state.networkName) return;
  const container = await engine.inspectContainer(containerId);
  const host = container?.networks[state.networkName]?.IPAddress;
  if (!host) return;
  const [ca, cert, key] = await Promise.all(
    ['ca.pem', 'cert.pem', 'key.pem'].map((file) => readFile(join(state.certDir!, file), 'utf8')),
  );
  const { before, after } = await pruneInnerDaemon(
    { host, port: DAEMON_TLS_PORT },
    { ca: ca!, cert: cert!, key: key! },
    state.cacheMaxSize,
  );
  if (after < before) log?.info(`cache budget: pruned the daemon's cache from ${before} to ${after} bytes`);
}
