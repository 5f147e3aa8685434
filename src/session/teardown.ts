/**
 * Ends a session: graceful stop (SIGTERM to the daemon, so inner containers stop and
 * /var/lib/docker is flushed), then removal of everything but the cache volume. Idempotent, safe
 * after a half-finished launch or a crash (resources are found by label, not only by the record),
 * and never throws: problems become warnings in the report.
 */
import { LABELS, OWNER, workVolumeName } from '../core/names.js';
import { DAEMON_TLS_PORT, innerContainerStopSeconds } from '../core/spec.js';
import { DEFAULT_ENGINE_HOST, type EnginePort } from '../ports.js';
import { PRUNE_TIMEOUT_MS, enforceHostBudget, pruneDaemonCache, touchCacheVolume } from './cache.js';
import { type ConnectDaemon, connectHostEngine, connectJobDaemon } from './engine.js';
import { readClientCerts, removeCertDir } from '../tls/cert-dir.js';
import { defaultStateDir } from './host.js';
import { leasedBy, releaseLease, topUpSpares } from './networks.js';
import { removeSessionRecord } from './records.js';
import { SweepReport, sweepByLabel } from './sweep.js';
import {
  type GenerationPlace,
  commitGeneration,
  discardGeneration,
  enforceGenerationBudget,
  noteGenerationUse,
} from './generations.js';
import type { CacheOutcome, Logger, Session, SessionState, TeardownReport } from './types.js';

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
  /** How to reach the session's daemon (default: over its mutual TLS). */
  readonly connectDaemon?: ConnectDaemon;
  /**
   * Generations mode: whether the session's clone becomes its scope's latest generation (the job
   * succeeded) or is discarded (default: commit). A daemon that did not stop cleanly is discarded.
   */
  readonly cacheOutcome?: CacheOutcome;
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
  const kept: string[] = [];
  const log = options.log;
  const stateDir = options.stateDir ?? defaultStateDir();
  const report = new SweepReport(log, 'teardown');
  const engine = options.engine ?? connectHostEngine(state.engineHost ?? DEFAULT_ENGINE_HOST, log);
  const connectDaemon = options.connectDaemon ?? connectJobDaemon;
  const grace = options.graceSeconds ?? state.stopTimeoutSeconds;

  // Without a record (teardown by id alone) the daemon's label says where its certificates are.
  let certDir = state.certDir;
  // A spare network the session leased carries no session label: its lease names it.
  const leases = await leasedBy(stateDir, state.sessionId).catch(() => []);
  // The next launch's network, made while this daemon stops (mostly waiting on its containers):
  // during a launch it would compete with that daemon's start for the engine and the CPU.
  const toppingUp = state.ownsNetwork ? topUpSpares(engine, stateDir, state.networkName) : undefined;
  // Without a record, the clone's volume says where the session's generation lives.
  let generation =
    state.generation ?? (state.cache ? await placeFromLabels(engine, state.sessionId) : undefined);
  let stoppedCleanly = false;
  await sweepByLabel(engine, { [LABELS.owner]: OWNER, [LABELS.session]: state.sessionId }, report, {
    endContainer: async (container) => {
      certDir ??= container.labels[LABELS.certDir];
      generation ??= parsePlace(container.labels[LABELS.generation]);
      const live = container.state === 'running' && container.labels[LABELS.role] === 'daemon';
      if (live && options.reachDaemon !== false) {
        const daemon = await reachDaemon(engine, state, container.id, grace, connectDaemon).catch(
          () => undefined,
        );
        if (daemon) await settleDaemon(daemon, state, grace, report, log);
      }
      await engine.stopContainer(container.id, grace);
      if (container.labels[LABELS.role] === 'daemon')
        stoppedCleanly = (await engine.inspectContainer(container.id))?.exitCode === 0;
      return true;
    },
    moreNetworks: leases.map((lease) => lease.network),
    afterNetwork: async (name, network) => {
      // A launch killed before its container existed: the network's label names the cert dir.
      certDir ??= leases[0]?.certDir ?? network?.labels[LABELS.certDir];
      await releaseLease(stateDir, name);
    },
  });

  let cache: string | undefined;
  if (generation) {
    const place = generation;
    const outcome = stoppedCleanly ? (options.cacheOutcome ?? 'commit') : 'discard';
    await report.step(`cache generation (${outcome})`, async () => {
      if (outcome === 'discard') {
        await discardGeneration(place, state.sessionId);
        cache = 'discarded (the next job starts from the last committed generation)';
        return;
      }
      const now = new Date();
      const bytes = await commitGeneration(place, state.sessionId, now);
      await noteGenerationUse(stateDir, place, place.scope.write, now, bytes ?? 0);
      cache = `committed as the latest generation of ${place.scope.write}`;
      kept.push(`generation ${place.scope.write}`);
    });
    if (state.cacheTotalMaxSize !== undefined) {
      const budget = state.cacheTotalMaxSize;
      await report.step('host cache budget (generations)', async () => {
        const keep = { store: place.store, cacheKey: place.cacheKey, scope: place.scope.write };
        report.removed.push(...(await enforceGenerationBudget(stateDir, budget, keep, log)));
      });
    }
  } else if (state.cache && state.volumeName) {
    const volumeName = state.volumeName;
    kept.push(`volume ${volumeName}`);
    await report.step('cache record', () => touchCacheVolume(stateDir, volumeName));
  }

  certDir ??= leases[0]?.certDir;
  if (certDir) {
    const path = certDir;
    await report.step(`certs ${path}`, async () => {
      if (await removeCertDir(path)) report.removed.push(`certs ${path}`);
    });
  }

  // The record goes with the session; one whose teardown met problems stays for gc to retry.
  if (report.warnings.length === 0)
    await report.step('session record', () => removeSessionRecord(stateDir, state.sessionId));

  if (state.cache && !generation && state.cacheTotalMaxSize !== undefined) {
    const budget = state.cacheTotalMaxSize;
    await report.step('host cache budget', async () => {
      for (const name of await enforceHostBudget(engine, stateDir, budget, log))
        report.removed.push(`volume ${name}`);
    });
  }

  await toppingUp;

  return {
    sessionId: state.sessionId,
    removed: report.removed,
    kept,
    cache,
    warnings: report.warnings,
    milliseconds: Date.now() - started,
  };
}

/** The session's running daemon over its own mutual TLS; undefined when we cannot reach it. */
async function reachDaemon(
  engine: EnginePort,
  state: SessionState,
  containerId: string,
  graceSeconds: number,
  connectDaemon: ConnectDaemon,
): Promise<EnginePort | undefined> {
  if (!state.certDir || !state.networkName) return undefined;
  const container = await engine.inspectContainer(containerId);
  const host = container?.networks[state.networkName]?.IPAddress;
  if (!host) return undefined;
  // Every session certificate names the daemon "docker", whatever its address on this network.
  return connectDaemon(
    { host, port: DAEMON_TLS_PORT, servername: 'docker' },
    await readClientCerts(state.certDir),
    // Long enough for a prune, and for inner containers to stop within their grace.
    { timeoutMs: Math.max(PRUNE_TIMEOUT_MS, (innerContainerStopSeconds(graceSeconds) + 15) * 1000) },
  );
}

/**
 * Before the daemon stops: its cache pruned to the per-volume budget, and its containers stopped
 * (on SIGTERM dockerd would give each its own stop timeout, 10 s by default).
 */
async function settleDaemon(
  daemon: EnginePort,
  state: SessionState,
  grace: number,
  report: SweepReport,
  log: Logger | undefined,
): Promise<void> {
  try {
    // Both at once: the budget keeps every image a container uses, stopped or not, so stopping
    // them first would change nothing it removes; measuring the cache meanwhile saves that time.
    const budget = state.cache ? state.cacheMaxSize : undefined;
    await Promise.all([
      budget === undefined
        ? undefined
        : report.step('cache budget', () => pruneToBudget(daemon, budget, log)),
      report.step('inner containers', () => stopInnerContainers(daemon, innerContainerStopSeconds(grace))),
    ]);
  } finally {
    daemon.close();
  }
}

/** Prunes inside the running daemon down to the per-volume budget. */
async function pruneToBudget(daemon: EnginePort, budget: number, log: Logger | undefined): Promise<void> {
  const { before, after } = await pruneDaemonCache(daemon, budget);
  if (after < before) log?.info(`cache budget: pruned the daemon's cache from ${before} to ${after} bytes`);
}

/** Stops the daemon's running containers at once, each with SIGTERM then SIGKILL after `seconds`. */
async function stopInnerContainers(daemon: EnginePort, seconds: number): Promise<void> {
  const running = await daemon.listContainers({}, { runningOnly: true });
  // A container that stopped or went meanwhile is fine.
  await Promise.all(
    running.map((container) => daemon.stopContainer(container.id, seconds).catch(() => undefined)),
  );
}

/** The generation place a clone's labels carry (undefined when they carry none, or garbage). */
function parsePlace(label: string | undefined): GenerationPlace | undefined {
  if (!label) return undefined;
  try {
    const place = JSON.parse(label) as GenerationPlace;
    const valid =
      typeof place.store === 'string' &&
      typeof place.cacheKey === 'string' &&
      typeof place.scope?.write === 'string';
    return valid ? { ...place, scope: { write: place.scope.write, read: [] } } : undefined;
  } catch {
    return undefined;
  }
}

async function placeFromLabels(engine: EnginePort, sessionId: string): Promise<GenerationPlace | undefined> {
  const volume = await engine.inspectVolume(workVolumeName(sessionId)).catch(() => undefined);
  return parsePlace(volume?.labels[LABELS.generation]);
}
