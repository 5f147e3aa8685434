/**
 * The contract between the rendered pod and `secure-dind sidecar`, and the pod pieces every face
 * shares: the DinD container, its volumes and the client environment. Pure: settings in, plain
 * Kubernetes objects out.
 */
import { type SessionConfig, settingEnvName } from '../core/config.js';
import { formatCidr } from '../core/cidr.js';
import { DAEMON_TLS_PORT } from '../core/spec.js';
import type { K8sOptions } from './options.js';

export const SIDECAR_CONTAINER = 'secure-dind';
/** docker:dind's client directory, so GitLab's documented DOCKER_CERT_PATH works unchanged. */
export const CLIENT_CERT_DIR = '/certs/client';
export const CACHE_DIR = '/var/lib/secure-dind';
export const CERTS_VOLUME = 'secure-dind-client-certs';
export const CACHE_VOLUME = 'secure-dind-cache';
/** Names the server certificate carries: the pod's loopback, and GitLab's service alias. */
export const DAEMON_HOST = 'localhost';
export const DAEMON_NAMES = ['localhost', 'docker'] as const;
const STARTUP_PROBE_PERIOD = 2;
const PROBE_TIMEOUT = 10;
/** How long the preStop hook may spend bringing the cache under its budget. */
export const PRESTOP_SECONDS = 30;

/** The sidecar's own settings (besides the session settings), read from its environment. */
export const SIDECAR_ENV = {
  listen: 'SECURE_DIND_LISTEN',
  clientUid: 'SECURE_DIND_CLIENT_UID',
  certDir: 'SECURE_DIND_CERT_DIR',
  cacheDir: 'SECURE_DIND_CACHE_DIR',
  podIp: 'SECURE_DIND_POD_IP',
} as const;

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef: { fieldPath: string } };
}

/** What the job needs to reach the daemon (docker CLI, Compose, Buildx, Testcontainers). */
export function clientEnv(host = DAEMON_HOST): EnvVar[] {
  return [
    { name: 'DOCKER_HOST', value: `tcp://${host}:${DAEMON_TLS_PORT}` },
    { name: 'DOCKER_TLS_VERIFY', value: '1' },
    { name: 'DOCKER_CERT_PATH', value: CLIENT_CERT_DIR },
  ];
}

/** The session settings the sidecar applies, as the environment variables the core parser reads. */
export function sessionSettingsEnv(config: SessionConfig): EnvVar[] {
  const settings: [string, string | undefined][] = [
    ['cache', String(config.cache)],
    ['cache-max-size', config.cacheMaxSize === undefined ? undefined : String(config.cacheMaxSize)],
    ['cache-slots', String(config.cacheSlots)],
    ['mtu', config.mtu === undefined ? undefined : String(config.mtu)],
    ['address-pool', config.addressPool === undefined ? undefined : formatCidr(config.addressPool)],
    ['daemon-config', JSON.stringify(config.daemonConfig)],
    ['startup-timeout', `${config.startupTimeoutSeconds}s`],
    ['stop-timeout', `${config.stopTimeoutSeconds}s`],
  ];
  return settings.flatMap(([name, value]) =>
    value === undefined ? [] : [{ name: settingEnvName(name), value }],
  );
}

/** Kubernetes quantities for the DinD container's limits (pids-limit is a node setting there). */
export function resourceLimits(config: SessionConfig): Record<string, string> | undefined {
  const limits: Record<string, string> = {};
  if (config.cpus !== undefined) limits.cpu = `${Math.round(config.cpus * 1000)}m`;
  if (config.memory !== undefined) limits.memory = String(config.memory);
  return Object.keys(limits).length ? limits : undefined;
}

/** Enough for the preStop budget prune, then the daemon's own graceful stop, plus a margin. */
export function terminationGraceSeconds(config: SessionConfig): number {
  return PRESTOP_SECONDS + config.stopTimeoutSeconds + 5;
}

const sidecarCommand = (...args: string[]): { exec: { command: string[] } } => ({
  exec: { command: ['secure-dind', 'sidecar', ...args] },
});

/** The DinD container: `secure-dind sidecar` with mTLS probes, a preStop hook and no privilege. */
export function sidecarContainer(
  config: SessionConfig,
  options: Pick<K8sOptions, 'listen' | 'runnerUid'>,
): Record<string, unknown> {
  const limits = resourceLimits(config);
  return {
    name: SIDECAR_CONTAINER,
    image: config.image,
    args: ['sidecar'],
    env: [
      ...sessionSettingsEnv(config),
      { name: SIDECAR_ENV.listen, value: options.listen },
      { name: SIDECAR_ENV.clientUid, value: String(options.runnerUid) },
      { name: SIDECAR_ENV.certDir, value: CLIENT_CERT_DIR },
      { name: SIDECAR_ENV.cacheDir, value: CACHE_DIR },
      ...(options.listen === 'pod'
        ? [{ name: SIDECAR_ENV.podIp, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }]
        : []),
    ],
    volumeMounts: [
      { name: CERTS_VOLUME, mountPath: CLIENT_CERT_DIR },
      { name: CACHE_VOLUME, mountPath: CACHE_DIR },
    ],
    ...(limits ? { resources: { limits } } : {}),
    // An exec probe every 2 s until the daemon answers over mTLS: kubelet starts the job's
    // container only after this succeeds, which removes the DinD start-up race. Each probe starts
    // Node (about 0.5 s of CPU), hence the generous timeout on a busy node.
    startupProbe: {
      ...sidecarCommand('probe'),
      periodSeconds: STARTUP_PROBE_PERIOD,
      timeoutSeconds: PROBE_TIMEOUT,
      failureThreshold: Math.max(1, Math.ceil(config.startupTimeoutSeconds / STARTUP_PROBE_PERIOD)),
    },
    readinessProbe: {
      ...sidecarCommand('probe'),
      periodSeconds: 15,
      timeoutSeconds: PROBE_TIMEOUT,
      failureThreshold: 3,
    },
    lifecycle: { preStop: sidecarCommand('prestop') },
  };
}

export interface CacheClaimSpec {
  accessModes: string[];
  storageClassName?: string;
  resources: { requests: { storage: string } };
}

export function cacheClaimSpec(config: SessionConfig, options: K8sOptions, slots: number): CacheClaimSpec {
  const perSlot = config.cacheMaxSize ?? 20 * 1024 ** 3;
  const bytes = options.cacheVolumeSize ?? Math.ceil((slots * perSlot * 1.25) / 1024 ** 3) * 1024 ** 3;
  return {
    // One node at a time: inner overlay2 needs a block-backed filesystem (not NFS).
    accessModes: ['ReadWriteOnce'],
    ...(options.storageClass ? { storageClassName: options.storageClass } : {}),
    resources: { requests: { storage: `${Math.ceil(bytes / 1024 ** 3)}Gi` } },
  };
}

/** The pod's volumes: client certs in memory, the cache on a claim (or a per-pod scratch dir). */
export function podVolumes(config: SessionConfig, options: K8sOptions): Record<string, unknown>[] {
  const certs = { name: CERTS_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } };
  if (!config.cache) return [certs, { name: CACHE_VOLUME, emptyDir: {} }];
  if (options.cacheVolume === 'claim') {
    return [certs, { name: CACHE_VOLUME, persistentVolumeClaim: { claimName: options.cacheClaim } }];
  }
  return [
    certs,
    {
      name: CACHE_VOLUME,
      ephemeral: {
        volumeClaimTemplate: {
          metadata: { labels: { 'app.kubernetes.io/managed-by': 'secure-dind' } },
          spec: cacheClaimSpec(config, options, 1),
        },
      },
    },
  ];
}
