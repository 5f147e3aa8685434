/**
 * Launches a job-scoped Docker daemon: runtime and image checks, orphan reaping, per-session
 * certificates, a session network, the DinD container on a leased cache slot, and readiness over
 * mutual TLS. On any failure (or abort) everything this launch created is removed before the error
 * is rethrown; the state handed to onState lets a crashed caller's next step do the same.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { type Cidr, parseCidr } from '../core/cidr.js';
import type { SessionConfig } from '../core/config.js';
import { NameConflict, SystemError } from '../core/errors.js';
import {
  LABELS,
  cacheVolumeLabels,
  cacheVolumeName,
  daemonContainerName,
  newSessionId,
  resourceLabels,
  scratchVolumeName,
  sessionNetworkName,
  uncachedContainerName,
} from '../core/names.js';
import { DAEMON_TLS_PORT, daemonContainerSpec, daemonFilesTar, innerDaemonJson } from '../core/spec.js';
import { chooseInnerRanges } from '../core/subnets.js';
import { DEFAULT_ENGINE_HOST, type EnginePort } from '../ports.js';
import { connectHostEngine } from './engine.js';
import {
  type DaemonAddress,
  type TlsClientFiles,
  innerDaemonRequest,
  waitForDaemon,
} from '../engine/http.js';
import { issueSessionCerts, makeCertAuthority, serverCertFiles, writeClientCerts } from '../tls/certs.js';
import { touchCacheVolume } from './cache.js';
import { answeringMirror } from './mirror.js';
import { withRegistryMirror } from '../core/mirror.js';
import { defaultStateDir, ownContainerCandidates } from './host.js';
import { createOnFreeSubnet, leaseSpare, lookAtHostNetworks, replenish } from './networks.js';
import { reapOrphans } from './reaper.js';
import { teardown } from './teardown.js';
import type { LaunchOptions, LaunchPhase, Session, SessionState } from './types.js';

export interface LaunchDependencies {
  readonly engine?: EnginePort;
  readonly stateDir?: string;
  readonly now?: () => Date;
}

export async function launch(
  config: SessionConfig,
  options: LaunchOptions = {},
  dependencies: LaunchDependencies = {},
): Promise<Session> {
  const log = options.log;
  const engine = dependencies.engine ?? connectHostEngine(config.engineHost ?? DEFAULT_ENGINE_HOST, log);
  const stateDir = dependencies.stateDir ?? defaultStateDir();
  const now = dependencies.now ?? (() => new Date());
  const createdAt = now();
  const deadline = new Date(createdAt.getTime() + config.deadlineSeconds * 1000);
  const timings: Partial<Record<LaunchPhase, number>> = {};
  const certDirOf = (id: string) => join(options.certParentDir ?? tmpdir(), `secure-dind-${id}`);
  // The CA depends on nothing below; making it (key generation) overlaps the engine calls.
  // Awaited in the certs phase; a failure surfaces there.
  const authority = makeCertAuthority();
  authority.catch(() => undefined);
  // Whether the registry mirror answers is settled off the critical path too (it never throws).
  const registryMirror = answeringMirror(engine, config.registryMirror, log);

  // A spare network made by an earlier launch takes network creation off this launch's path; this
  // session then takes the id the spare was made for. The lease names this session's deadline and
  // certificate directory, so the reaper finds both should this process die right after it.
  const host = await lookAtHostNetworks(engine);
  const joined = options.joinNetwork && host.networks.find((n) => n.name === options.joinNetwork!.name);
  const mtu = config.mtu ?? (joined ? joined.mtu : undefined) ?? host.outerMtu;
  const spare = options.joinNetwork
    ? undefined
    : await leaseSpare(stateDir, host.networks, { deadline, mtu, certDirFor: certDirOf });
  const sessionId = spare?.sessionId ?? newSessionId();
  const certDir = certDirOf(sessionId);

  let state: SessionState = {
    version: 1,
    sessionId,
    deadline: deadline.toISOString(),
    certDir,
    engineHost: config.engineHost,
    cache: config.cache,
    stopTimeoutSeconds: config.stopTimeoutSeconds,
    cacheMaxSize: config.cacheMaxSize,
    cacheTotalMaxSize: config.cacheTotalMaxSize,
  };
  const record = async (patch: Partial<SessionState>) => {
    state = { ...state, ...patch };
    await options.onState?.(state);
  };
  const phase = async <T>(name: LaunchPhase, action: () => Promise<T>): Promise<T> => {
    options.signal?.throwIfAborted();
    const started = performance.now();
    const result = await action();
    timings[name] = Math.round(performance.now() - started);
    options.onPhase?.(name, timings[name]!);
    return result;
  };
  const labels = (
    role: Parameters<typeof resourceLabels>[0]['role'],
    extra: Record<string, string> = {},
  ) => ({
    ...resourceLabels({ sessionId, role, jobId: options.jobId, createdAt, deadline }),
    ...extra,
  });

  log?.debug(`session ${sessionId}: launching${spare ? ` on the spare network ${spare.name}` : ''}`);
  await record({});
  let daemonStarted = false;
  let replenishing: Promise<void> | undefined;
  try {
    const preflight = phase('preflight', async () => {
      const [{ version, runtimes }, imagePresent] = await Promise.all([
        engine.versionAndRuntimes(),
        engine.imageExists(config.image),
      ]);
      if (!runtimes.includes(config.runtime)) {
        throw new SystemError(
          `the Docker engine at ${engine.host} has no runtime named "${config.runtime}"`,
          {
            hint:
              `Install Sysbox on the runner host (run "secure-dind doctor" to see what is missing, ` +
              `"sudo secure-dind bootstrap" to install it). Registered runtimes: ${runtimes.join(', ') || 'none'}. ` +
              'secure-dind never falls back to a privileged container.',
          },
        );
      }
      if (!imagePresent) {
        log?.info(`pulling ${config.image}`);
        await engine.pullImage(config.image).catch((error: unknown) => {
          throw new SystemError(`the DinD image ${config.image} is not present and could not be pulled`, {
            cause: error,
            hint: 'Check the image name, the registry credentials of the runner host, or pre-load the image.',
          });
        });
      }
      return version;
    });
    // Reaping (other sessions' orphans) and the session network need nothing from the preflight:
    // the three run together. A failed preflight still finds the network by its label.
    const reap = phase('reap', async () => {
      const reaped = await reapOrphans(engine, createdAt, stateDir, log);
      for (const warning of reaped.warnings) log?.warn(`orphan reaping: ${warning}`);
    });
    const network = phase('network', () => prepareNetwork());
    // Settle all before going on, so that a failed launch leaves nothing running behind it.
    const [checked, reaped, prepared] = await Promise.allSettled([preflight, reap, network]);
    for (const outcome of [checked, reaped, prepared])
      if (outcome.status === 'rejected') throw outcome.reason;
    const engineVersion = (checked as PromiseFulfilledResult<string>).value;
    const placement = (prepared as PromiseFulfilledResult<Awaited<typeof network>>).value;
    const aliases = ['docker', ...(options.joinNetwork?.aliases ?? [])];
    const certs = await phase('certs', async () => {
      const made = await issueSessionCerts(await authority, {
        serverDnsNames: [...new Set([...aliases, 'localhost'])],
        serverIps: placement.daemonIp ? [placement.daemonIp, '127.0.0.1'] : ['127.0.0.1'],
      });
      await mkdir(options.certParentDir ?? tmpdir(), { recursive: true });
      await writeClientCerts(certDir, made);
      return made;
    });

    const lease = await phase('container', async () => {
      const innerRanges = chooseInnerRanges([...host.occupied, placement.subnet], config.addressPool);
      if (!innerRanges) {
        throw new SystemError('no free IPv4 range for the inner daemon', {
          hint: 'Set the address-pool setting to a range no network on this host uses.',
        });
      }
      const daemonJson = withRegistryMirror(innerDaemonJson(config, innerRanges, mtu), await registryMirror);
      const tar = daemonFilesTar(daemonJson, serverCertFiles(certs));
      const leased = await leaseSlot(aliases, placement);
      await engine.putArchive(leased.containerId, '/', tar);
      await engine.startContainer(leased.containerId);
      daemonStarted = true;
      if (options.clientPlacement !== 'host' && !options.joinNetwork)
        await attachOwnContainer(placement.networkName);
      return leased;
    });

    const address: DaemonAddress = placement.daemonIp
      ? { host: placement.daemonIp, port: DAEMON_TLS_PORT }
      : {
          host: await joinedAddress(lease.containerId, placement.networkName),
          port: DAEMON_TLS_PORT,
          servername: 'docker',
        };
    const clientTls = { ca: certs.caCertPem, cert: certs.client.certPem, key: certs.client.keyPem };
    // The next launch's network, made while this daemon boots (the engine is otherwise idle then).
    replenishing = options.joinNetwork
      ? undefined
      : replenish(engine, stateDir, host, {
          occupied: [...host.occupied, placement.subnet],
          mtu,
          createdAt,
        });
    let containerStopped = false;
    const ready = await phase('ready', () =>
      waitForDaemon(address, clientTls, {
        timeoutMs: config.startupTimeoutSeconds * 1000,
        signal: options.signal,
        stillAlive: async () => {
          const container = await engine.inspectContainer(lease.containerId);
          if (!container?.running) {
            containerStopped = true;
            throw new SystemError(
              `the DinD container ${lease.containerName} stopped during startup (exit code ${container?.exitCode ?? 'unknown'})` +
                (await lastLogLines(lease.containerId)),
            );
          }
        },
      }).catch(async (error: unknown) => {
        // A daemon that never answered: its log says why (a stopped one's error has it already).
        if (containerStopped || options.signal?.aborted) throw error;
        throw new SystemError(`${(error as Error).message}${await lastLogLines(lease.containerId)}`, {
          cause: error,
        });
      }),
    );
    await replenishing;
    if (config.cache) await touchCacheVolume(stateDir, lease.volumeName).catch(() => undefined);
    // Warm means a daemon left something to reuse, not merely that the volume existed (a launch
    // that failed before its daemon pulled anything leaves an empty one).
    const cacheHit = lease.volumeExisted && (await daemonHoldsImages(address, clientTls));

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
      certDir,
      engineVersion,
      innerEngineVersion: ready.serverVersion ?? 'unknown',
      timings,
      state,
    };
  } catch (error) {
    await replenishing;
    // The daemon never answered (nothing after readiness throws): nothing to prune before the stop.
    const report = await teardown(state, {
      engine,
      log,
      stateDir,
      graceSeconds: daemonStarted ? 5 : 0,
      reachDaemon: false,
    });
    for (const warning of report.warnings) log?.warn(`cleanup after failed launch: ${warning}`);
    throw error;
  }

  /** The session's network: the caller's to join, the leased spare, or a new one. */
  async function prepareNetwork(): Promise<{
    networkName: string;
    daemonIp: string | undefined;
    subnet: Cidr;
  }> {
    if (options.joinNetwork) {
      const subnet = joined && parseCidr(joined.subnets[0] ?? '');
      if (!joined || !subnet)
        throw new SystemError(`network ${options.joinNetwork.name} does not exist or has no IPv4 subnet`);
      await record({ networkName: joined.name, ownsNetwork: false });
      return { networkName: joined.name, daemonIp: undefined, subnet };
    }
    if (spare) {
      await record({ networkName: spare.name, ownsNetwork: true });
      return { networkName: spare.name, daemonIp: spare.daemonIp, subnet: spare.subnet };
    }
    const networkName = sessionNetworkName(sessionId);
    await record({ networkName, ownsNetwork: true });
    const created = await createOnFreeSubnet(engine, {
      name: networkName,
      occupied: host.occupied,
      offset: parseInt(sessionId.slice(0, 4), 16),
      mtu,
      // The certificate directory is written after the network exists: its label finds it then.
      labels: labels('network', { [LABELS.certDir]: certDir }),
    });
    return { networkName, daemonIp: created.daemonIp, subnet: created.subnet };
  }

  /** Takes the first free cache slot: the daemon container's name is the lease (409: taken). */
  async function leaseSlot(
    aliases: readonly string[],
    placement: { networkName: string; daemonIp: string | undefined },
  ): Promise<{
    containerId: string;
    containerName: string;
    volumeName: string;
    slot: number;
    volumeExisted: boolean;
  }> {
    const slots = config.cache ? config.cacheSlots : 1;
    for (let slot = 0; slot < slots; slot++) {
      const containerName = config.cache
        ? daemonContainerName(config.cacheKey, slot)
        : uncachedContainerName(sessionId);
      const volumeName = config.cache ? cacheVolumeName(config.cacheKey, slot) : scratchVolumeName(sessionId);
      const existing = await engine.inspectVolume(volumeName);
      await record({ volumeName });
      if (!existing) {
        await engine.createVolume(
          volumeName,
          config.cache ? cacheVolumeLabels(config.cacheKey, slot, createdAt) : labels('scratch'),
        );
      }
      const spec = daemonContainerSpec({
        config,
        labels: labels('daemon', {
          [LABELS.cacheKey]: config.cacheKey,
          [LABELS.cacheSlot]: String(slot),
          [LABELS.certDir]: certDir,
        }),
        volumeName,
        networkName: placement.networkName,
        daemonIp: placement.daemonIp,
        aliases,
      });
      try {
        const containerId = await engine.createContainer(containerName, spec);
        await record({ containerName });
        return {
          containerId,
          containerName,
          volumeName,
          slot,
          volumeExisted: Boolean(existing) && config.cache,
        };
      } catch (error) {
        if (error instanceof NameConflict) {
          log?.info(`cache slot ${slot} of this cache key is in use by another session; trying the next`);
          continue;
        }
        throw error;
      }
    }
    throw new SystemError(`all ${slots} cache slots of cache key "${config.cacheKey}" are in use`, {
      hint: 'Wait for a running session to end, raise cache-slots, or use another cache-key.',
    });
  }

  /** A runner that itself runs in a container can only reach the daemon on the session network. */
  async function attachOwnContainer(networkName: string): Promise<void> {
    for (const candidate of await ownContainerCandidates()) {
      const container = await engine.inspectContainer(candidate).catch(() => undefined);
      if (!container) continue;
      await engine.connectNetwork(networkName, container.id);
      log?.info(`attached this runner's container ${container.name} to ${networkName}`);
      return;
    }
  }

  async function joinedAddress(containerId: string, networkName: string): Promise<string> {
    const container = await engine.inspectContainer(containerId);
    const ip = container?.networks[networkName]?.IPAddress;
    if (!ip) throw new SystemError(`the DinD container has no address on network ${networkName}`);
    return ip;
  }

  async function lastLogLines(containerId: string): Promise<string> {
    const logs = await engine.containerLogs(containerId, 30).catch(() => '');
    return logs.trim() ? `; last log lines:\n${logs.trimEnd()}` : '';
  }
}

/** Whether the daemon starts with images from an earlier session (a failed answer counts as no). */
async function daemonHoldsImages(address: DaemonAddress, tls: TlsClientFiles): Promise<boolean> {
  const info = await innerDaemonRequest<{ Images?: number }>(address, tls, 'GET', '/info', {
    timeoutMs: 10_000,
  }).catch(() => undefined);
  return (info?.Images ?? 0) > 0;
}
