/**
 * `secure-dind sidecar`: the DinD container's entrypoint in a pod. Leases a cache slot, makes a
 * per-pod CA with a server certificate (for dockerd) and a client certificate (for the job, in the
 * shared in-memory volume, readable only by the job's user), starts dockerd with mutual TLS on the
 * pod's loopback and the core's daemon.json, reports when it answers, and on SIGTERM brings the
 * cache under its budget, stops dockerd gracefully and releases the lease.
 */
import { chown, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { SessionConfig } from '../core/config.js';
import { BadInputError, SystemError } from '../core/errors.js';
import { DAEMON_TLS_PORT, innerDaemonJson } from '../core/spec.js';
import { chooseInnerRanges, parseProcNetRoute } from '../core/subnets.js';
import { parseWholeNumber } from '../core/units.js';
import { systemClock } from '../core/retry.js';
import type { DaemonAddress, TlsClientFiles } from '../ports.js';
import { pruneInnerDaemon } from '../session/cache.js';
import { connectJobDaemon } from '../session/engine.js';
import { waitUntilAnswering } from '../session/readiness.js';
import type { Logger } from '../session/types.js';
import { certFilePaths, readClientCerts, removeClientKey, writeClientCerts } from '../tls/cert-dir.js';
import { issueSessionCerts, makeCertAuthority } from '../tls/certs.js';
import { type CacheLease, leaseCacheSlot } from './cache-lease.js';
import type { ListenMode } from './options.js';
import {
  CACHE_DIR,
  CLIENT_CERT_DIR,
  DAEMON_HOST,
  DAEMON_NAMES,
  PRESTOP_SECONDS,
  SIDECAR_ENV,
} from './pod.js';
import {
  PRIVATE_DIR,
  type RunningDaemon,
  dockerdArgs,
  nestCgroupV2,
  startDockerd,
  stopDockerd,
  writeDaemonFiles,
} from './sidecar-daemon.js';

export interface SidecarSettings {
  readonly listen: ListenMode;
  readonly clientUid: number;
  readonly certDir: string;
  readonly cacheDir: string;
  /** The pod IP, put in the server certificate when the daemon listens on it. */
  readonly podIp: string | undefined;
  /** Private to the DinD container; a setting only so tests can run the sidecar elsewhere. */
  readonly privateDir: string;
}

export function parseSidecarSettings(env: NodeJS.ProcessEnv): SidecarSettings {
  const listen = env[SIDECAR_ENV.listen] || 'loopback';
  if (listen !== 'loopback' && listen !== 'pod')
    throw new BadInputError(SIDECAR_ENV.listen, listen, 'loopback or pod');
  const uidText = env[SIDECAR_ENV.clientUid] || '0';
  const clientUid = parseWholeNumber(uidText);
  if (clientUid === undefined) throw new BadInputError(SIDECAR_ENV.clientUid, uidText, 'a numeric user id');
  const podIp = env[SIDECAR_ENV.podIp] || undefined;
  if (podIp !== undefined && isIP(podIp) === 0)
    throw new BadInputError(SIDECAR_ENV.podIp, podIp, 'an IP address');
  if (listen === 'pod' && podIp === undefined) {
    throw new BadInputError(SIDECAR_ENV.podIp, '', 'the pod IP (status.podIP) when listening on the pod IP');
  }
  return {
    listen,
    clientUid,
    certDir: env[SIDECAR_ENV.certDir] || CLIENT_CERT_DIR,
    cacheDir: env[SIDECAR_ENV.cacheDir] || CACHE_DIR,
    podIp,
    privateDir: PRIVATE_DIR,
  };
}

/** One probe's bound on the daemon, well inside the pod's probe timeoutSeconds (pod.ts). */
const PROBE_TIMEOUT_MS = 4_000;

/** How the probes and hooks reach the daemon from inside the pod. */
export const LOCAL_DAEMON: DaemonAddress = {
  host: '127.0.0.1',
  port: DAEMON_TLS_PORT,
  servername: DAEMON_HOST,
};

export async function readClientFiles(certDir: string): Promise<TlsClientFiles> {
  try {
    return await readClientCerts(certDir);
  } catch (error) {
    throw new SystemError(`no client certificates in ${certDir} yet`, { cause: error });
  }
}

/** `sidecar probe`: one mTLS ping, as the startup and readiness probes run it. */
export async function probeDaemon(settings: SidecarSettings): Promise<string> {
  const daemon = connectJobDaemon(LOCAL_DAEMON, await readClientFiles(settings.certDir), {
    timeoutMs: PROBE_TIMEOUT_MS,
  });
  try {
    return (await daemon.version()).version || 'unknown';
  } finally {
    daemon.close();
  }
}

const prunedMarker = (settings: SidecarSettings): string => join(settings.privateDir, 'pruned');

/** `sidecar prestop` (and SIGTERM when no hook ran): the cache budget, while dockerd still runs. */
export async function applyCacheBudget(
  config: SessionConfig,
  settings: SidecarSettings,
  log: Logger,
): Promise<void> {
  if (!config.cache || config.cacheMaxSize === undefined) return;
  const { before, after } = await pruneInnerDaemon(
    LOCAL_DAEMON,
    await readClientFiles(settings.certDir),
    config.cacheMaxSize,
  );
  log.info(`cache: ${before} bytes before, ${after} after (budget ${config.cacheMaxSize})`);
  await writeFile(prunedMarker(settings), new Date().toISOString());
}

async function hostRoutesAndMtu(): Promise<{ routes: ReturnType<typeof parseProcNetRoute>; mtu: number }> {
  const table = await readFile('/proc/net/route', 'utf8').catch(() => '');
  const defaultIface = table
    .split('\n')
    .find((line) => line.split(/\s+/)[1] === '00000000')
    ?.split(/\s+/)[0];
  const mtuText = defaultIface
    ? await readFile(`/sys/class/net/${defaultIface}/mtu`, 'utf8').catch(() => '')
    : '';
  return { routes: parseProcNetRoute(table), mtu: parseWholeNumber(mtuText.trim()) ?? 1500 };
}

async function leaseOrFail(config: SessionConfig, settings: SidecarSettings): Promise<CacheLease> {
  const slots = config.cache ? config.cacheSlots : 0;
  const lease = config.cache ? await leaseCacheSlot(settings.cacheDir, slots) : undefined;
  if (lease) return lease;
  if (!config.cache) {
    const dir = join(settings.cacheDir, `scratch-${process.pid}`);
    return { slot: -1, dir, release: () => rm(dir, { recursive: true, force: true }) };
  }
  throw new SystemError(`all ${slots} cache slots under ${settings.cacheDir} are leased by other daemons`, {
    hint: 'raise cache-slots (and the claim size), or use cache-volume ephemeral; kubelet retries this container',
  });
}

/** Gives the job's user, and only it, the client directory and key. */
async function handOverClientCerts(settings: SidecarSettings): Promise<void> {
  const files = certFilePaths(settings.certDir);
  for (const path of [settings.certDir, files.ca, files.cert, files.key]) {
    await chown(path, settings.clientUid, settings.clientUid);
  }
}

/**
 * Runs until `stop` aborts (SIGTERM) or dockerd ends by itself. Resolves with the exit status:
 * 0 after a graceful stop, 1 when dockerd ended on its own or was killed.
 */
export async function runSidecar(
  config: SessionConfig,
  settings: SidecarSettings,
  log: Logger,
  stop: AbortSignal,
): Promise<number> {
  const started = Date.now();
  const lease = await leaseOrFail(config, settings);
  let daemon: RunningDaemon | undefined;
  try {
    const ca = await makeCertAuthority();
    const ips = ['127.0.0.1', ...(settings.listen === 'pod' && settings.podIp ? [settings.podIp] : [])];
    const certs = await issueSessionCerts(ca, { serverDnsNames: DAEMON_NAMES, serverIps: ips });
    const { routes, mtu } = await hostRoutesAndMtu();
    const ranges = chooseInnerRanges(routes, config.addressPool);
    if (!ranges) throw new SystemError('no free range for the inner bridge; set address-pool');
    const files = await writeDaemonFiles(
      settings.privateDir,
      innerDaemonJson(config, ranges, config.mtu ?? mtu),
      certs.caCertPem,
      certs.server,
    );
    await writeClientCerts(settings.certDir, certs);
    await handOverClientCerts(settings);
    await nestCgroupV2();
    daemon = startDockerd(dockerdArgs(files, join(lease.dir, 'docker'), settings.listen));
    const tls = { ca: certs.caCertPem, cert: certs.client.certPem, key: certs.client.keyPem };
    let exitedEarly: number | string | undefined;
    void daemon.exited.then((code) => (exitedEarly = code));
    const running = daemon;
    await waitUntilAnswering(
      { address: LOCAL_DAEMON, tls },
      {
        timeoutMs: config.startupTimeoutSeconds * 1000,
        signal: stop,
        clock: systemClock,
        connectDaemon: connectJobDaemon,
        stillAlive: async () => {
          if (exitedEarly !== undefined)
            throw new SystemError(`dockerd exited (${exitedEarly}) before it answered`);
        },
      },
    );
    log.info(
      `ready: dockerd answers over mutual TLS on ${settings.listen === 'pod' ? settings.podIp : '127.0.0.1'}:${DAEMON_TLS_PORT} ` +
        `${Date.now() - started} ms after start (cache slot ${lease.slot})`,
    );
    const reason = await Promise.race([
      running.exited.then((code) => `dockerd exited (${code})`),
      new Promise<string>((resolve) => stop.addEventListener('abort', () => resolve('stop'), { once: true })),
    ]);
    if (reason !== 'stop') {
      log.warn(reason);
      return 1;
    }
    const stopStarted = Date.now();
    const pruned = await readFile(prunedMarker(settings)).then(
      () => true,
      () => false,
    );
    if (!pruned) {
      await withTimeout(applyCacheBudget(config, settings, log), PRESTOP_SECONDS * 1000).catch(
        (error: unknown) =>
          log.warn(`cache budget not applied: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    const clean = await stopDockerd(running, config.stopTimeoutSeconds * 1000);
    log.info(`dockerd ${clean ? 'stopped cleanly' : 'was killed'} in ${Date.now() - stopStarted} ms`);
    return clean ? 0 : 1;
  } finally {
    // Also after a failed or interrupted start: never leave a daemon on a released slot.
    if (daemon) await stopDockerd(daemon, config.stopTimeoutSeconds * 1000);
    await removeClientKey(settings.certDir).catch(() => {});
    await lease.release();
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
