/**
 * Launches a job-scoped Docker daemon, as a pipeline of steps: preflight (runtime and image), orphan
 * reaping and the session network together, certificates, the daemon container on a leased cache
 * slot, and readiness over mutual TLS. On any failure (or abort) everything this launch created is
 * removed before the error is rethrown; the state handed to onState before each side effect lets a
 * crashed caller's next step do the same.
 */
import { tmpdir } from 'node:os';
import type { SessionConfig } from '../core/config.js';
import { newSessionId } from '../core/names.js';
import { DAEMON_TLS_PORT } from '../core/spec.js';
import { systemClock } from '../core/retry.js';
import { type Clock, DEFAULT_ENGINE_HOST, type EnginePort } from '../ports.js';
import { certDirFor } from '../tls/cert-dir.js';
import { makeCertAuthority } from '../tls/certs.js';
import { forgetCacheVolume, touchCacheVolume } from './cache.js';
import { generationPlace, startFromGeneration } from './clone.js';
import type { Checkout } from './generations.js';
import { createDaemonContainer } from './container.js';
import { type ConnectDaemon, connectHostEngine, connectJobDaemon } from './engine.js';
import { defaultStateDir } from './host.js';
import { LaunchContext } from './launch-context.js';
import { answeringMirror } from './mirror.js';
import { planNetwork, prepareNetwork } from './network.js';
import { replenish } from './networks.js';
import { attachOwnContainer, daemonAddress } from './placement.js';
import { checkRuntime, ensureImage } from './preflight.js';
import { type JobDaemon, holdsImages, waitUntilReady } from './readiness.js';
import { reapOrphans } from './reaper.js';
import { issueCerts } from './session-certs.js';
import { teardown } from './teardown.js';
import type { LaunchOptions, LaunchPhase, Session } from './types.js';

export interface LaunchDependencies {
  readonly engine?: EnginePort;
  readonly stateDir?: string;
  /** The time the session's labels and deadline start from. */
  readonly now?: () => Date;
  /** Time for the waits (readiness). */
  readonly clock?: Clock;
  /** How to reach the job's daemon (default: over its mutual TLS). */
  readonly connectDaemon?: ConnectDaemon;
}

export async function launch(
  config: SessionConfig,
  options: LaunchOptions = {},
  dependencies: LaunchDependencies = {},
): Promise<Session> {
  const log = options.log;
  const engine = dependencies.engine ?? connectHostEngine(config.engineHost ?? DEFAULT_ENGINE_HOST, log);
  const stateDir = dependencies.stateDir ?? defaultStateDir();
  const clock = dependencies.clock ?? systemClock;
  const connectDaemon = dependencies.connectDaemon ?? connectJobDaemon;
  const createdAt = (dependencies.now ?? (() => new Date(clock.now())))();
  const deadline = new Date(createdAt.getTime() + config.deadlineSeconds * 1000);
  const timings: Partial<Record<LaunchPhase, number>> = {};
  const certDirOf = (id: string) => certDirFor(options.certParentDir ?? tmpdir(), id);
  // The CA depends on nothing below; making it (key generation) overlaps the engine calls.
  // Awaited in the certs phase; a failure surfaces there.
  const authority = makeCertAuthority();
  authority.catch(() => undefined);
  // Whether the registry mirror answers is settled off the critical path too (it never throws).
  const registryMirror = answeringMirror(engine, config.registryMirror, log);

  // A spare network made by an earlier launch takes network creation off this launch's path; this
  // session then takes the id the spare was made for.
  const plan = await planNetwork(engine, config, options, { stateDir, deadline, certDirFor: certDirOf });
  const sessionId = plan.spare?.sessionId ?? newSessionId();
  const certDir = certDirOf(sessionId);
  const context = new LaunchContext(engine, config, options, stateDir, createdAt, deadline, {
    sessionId,
    certDir,
  });
  const phase = async <T>(name: LaunchPhase, action: () => Promise<T>): Promise<T> => {
    options.signal?.throwIfAborted();
    const started = performance.now();
    const result = await action();
    timings[name] = Math.round(performance.now() - started);
    options.onPhase?.(name, timings[name]!);
    return result;
  };

  log?.debug(
    `session ${sessionId}: launching${plan.spare ? ` on the spare network ${plan.spare.name}` : ''}`,
  );
  await context.record({});
  let daemonStarted = false;
  let replenishing: Promise<void> | undefined;
  let concurrent: Promise<unknown>[] = [];
  try {
    // The container needs the image, the network, and the orphans reaped (a crashed session's
    // container still holds its cache slot). The runtime check, the engine's slowest answer, goes
    // on meanwhile: an engine without the runtime refuses the container, and the daemon starts
    // only after the check.
    const imageReady = ensureImage(engine, config, log);
    const preflight = phase(
      'preflight',
      async () => (await Promise.all([checkRuntime(engine, config), imageReady]))[0],
    );
    const reap = phase('reap', async () => {
      const reaped = await reapOrphans(engine, createdAt, stateDir, log);
      for (const warning of reaped.warnings) log?.warn(`orphan reaping: ${warning}`);
    });
    const network = phase('network', () => prepareNetwork(context, plan));
    // The clone runs the session's image: it starts once the image is there.
    const place = generationPlace(context);
    const cacheStart = place ? imageReady.then(() => startFromGeneration(context, place)) : undefined;
    concurrent = [preflight, reap, network, ...(cacheStart ? [cacheStart] : [])];
    for (const work of concurrent) work.catch(() => undefined); // awaited below or in the cleanup
    await Promise.all([imageReady, reap]);
    const placement = await network;
    const aliases = ['docker', ...(options.joinNetwork?.aliases ?? [])];
    const certs = await phase('certs', () =>
      issueCerts(authority, { aliases, ip: placement.daemonIp }, certDir),
    );

    const clone = await cacheStart;
    const lease = await phase('container', async () => {
      const created = await createDaemonContainer(context, {
        placement,
        aliases,
        certs,
        occupied: plan.host.occupied,
        mtu: plan.mtu,
        registryMirror: await registryMirror,
        cloneDir: clone?.mode === 'generations' ? clone.workDir : undefined,
      }).catch(async (error: unknown) => {
        // An engine without the runtime refuses the container: the preflight's error says why.
        await preflight;
        throw error;
      });
      const engineVersion = await preflight;
      await engine.startContainer(created.containerId);
      daemonStarted = true;
      if (options.clientPlacement !== 'host' && !options.joinNetwork)
        await attachOwnContainer(engine, placement.networkName, log);
      return { ...created, engineVersion };
    });

    const daemon: JobDaemon = {
      address: await daemonAddress(engine, placement, lease.containerId),
      tls: { ca: certs.caCertPem, cert: certs.client.certPem, key: certs.client.keyPem },
      containerId: lease.containerId,
      containerName: lease.containerName,
    };
    // With the pool empty, the next launch's network is made while this daemon boots (teardowns
    // top the pool up otherwise).
    replenishing =
      options.joinNetwork || plan.spare
        ? undefined
        : replenish(engine, stateDir, plan.host, {
            occupied: [...plan.host.occupied, placement.subnet],
            mtu: plan.mtu,
            createdAt,
          });
    const ready = await phase('ready', () =>
      waitUntilReady(engine, daemon, {
        timeoutMs: config.startupTimeoutSeconds * 1000,
        connectDaemon,
        clock,
        signal: options.signal,
      }),
    );
    await replenishing;
    if (config.cache && lease.slot !== undefined)
      await touchCacheVolume(stateDir, lease.volumeName).catch(() => undefined);
    const fromGeneration = clone?.mode === 'generations' && clone.fromScope !== undefined;
    const cacheHit = (lease.volumeExisted || fromGeneration) && (await holdsImages(daemon, connectDaemon));

    const dockerHost = `tcp://${options.joinNetwork ? 'docker' : placement.daemonIp}:${DAEMON_TLS_PORT}`;
    return {
      id: sessionId,
      env: { DOCKER_HOST: dockerHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDir },
      config,
      containerId: lease.containerId,
      containerName: lease.containerName,
      networkName: placement.networkName,
      cacheVolume: lease.volumeName,
      cacheSlot: lease.slot,
      cacheHit,
      ...cacheModeOf(config, clone),
      certDir,
      engineVersion: lease.engineVersion,
      innerEngineVersion: ready.version || 'unknown',
      timings,
      state: context.state,
    };
  } catch (error) {
    // Settle what ran alongside, so that a failed launch leaves nothing running behind it.
    await Promise.allSettled([...concurrent, replenishing]);
    // The daemon never answered (nothing after readiness throws): nothing to prune before the stop.
    const report = await teardown(context.state, {
      engine,
      log,
      stateDir,
      graceSeconds: daemonStarted ? 5 : 0,
      reachDaemon: false,
      cacheOutcome: 'discard',
    });
    for (const warning of report.warnings) log?.warn(`cleanup after failed launch: ${warning}`);
    // A cache volume this launch made and no daemon ever used holds nothing: it goes too.
    if (!daemonStarted && context.madeVolume) {
      const volume = context.madeVolume;
      await engine.removeVolume(volume).catch(() => undefined);
      await forgetCacheVolume(stateDir, volume).catch(() => undefined);
    }
    throw error;
  }
}

/** What the summary and `ls` say of the session's cache. */
function cacheModeOf(
  config: SessionConfig,
  clone: Checkout | undefined,
): Pick<Session, 'cacheMode' | 'cacheModeReason' | 'cacheFrom'> {
  if (!config.cache) return { cacheMode: 'off' };
  if (clone?.mode === 'generations') return { cacheMode: 'generations', cacheFrom: clone.fromScope };
  return {
    cacheMode: 'slots',
    cacheModeReason: clone?.reason ?? 'the cache-store setting is off',
  };
}
