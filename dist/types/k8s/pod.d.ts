/**
 * The contract between the rendered pod and `secure-dind sidecar`, and the pod pieces every face
 * shares: the DinD container, its volumes and the client environment. Pure: settings in, plain
 * Kubernetes objects out.
 */
import { type SessionConfig } from '../core/config.js';
import type { K8sOptions } from './options.js';
export declare const SIDECAR_CONTAINER = "secure-dind";
/** docker:dind's client directory, so GitLab's documented DOCKER_CERT_PATH works unchanged. */
export declare const CLIENT_CERT_DIR = "/certs/client";
export declare const CACHE_DIR = "/var/lib/secure-dind";
export declare const CERTS_VOLUME = "secure-dind-client-certs";
export declare const CACHE_VOLUME = "secure-dind-cache";
/** Names the server certificate carries: the pod's loopback, and GitLab's service alias. */
export declare const DAEMON_HOST = "localhost";
export declare const DAEMON_NAMES: readonly ["localhost", "docker"];
/** How long the preStop hook may spend bringing the cache under its budget. */
export declare const PRESTOP_SECONDS = 30;
/** The sidecar's own settings (besides the session settings), read from its environment. */
export declare const SIDECAR_ENV: {
    readonly listen: "SECURE_DIND_LISTEN";
    readonly clientUid: "SECURE_DIND_CLIENT_UID";
    readonly certDir: "SECURE_DIND_CERT_DIR";
    readonly cacheDir: "SECURE_DIND_CACHE_DIR";
    readonly podIp: "SECURE_DIND_POD_IP";
};
export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: {
        fieldRef: {
            fieldPath: string;
        };
    };
}
/** What the job needs to reach the daemon (docker CLI, Compose, Buildx, Testcontainers). */
export declare function clientEnv(host?: string): EnvVar[];
/** The session settings the sidecar applies, as the environment variables the core parser reads. */
export declare function sessionSettingsEnv(config: SessionConfig): EnvVar[];
/** Kubernetes quantities for the DinD container's limits (pids-limit is a node setting there). */
export declare function resourceLimits(config: SessionConfig): Record<string, string> | undefined;
/** Enough for the preStop budget prune, then the daemon's own graceful stop, plus a margin. */
export declare function terminationGraceSeconds(config: SessionConfig): number;
/** The DinD container: `secure-dind sidecar` with mTLS probes, a preStop hook and no privilege. */
export declare function sidecarContainer(config: SessionConfig, options: Pick<K8sOptions, 'listen' | 'runnerUid'>): Record<string, unknown>;
export interface CacheClaimSpec {
    accessModes: string[];
    storageClassName?: string;
    resources: {
        requests: {
            storage: string;
        };
    };
}
export declare function cacheClaimSpec(config: SessionConfig, options: K8sOptions, slots: number): CacheClaimSpec;
/** The pod's volumes: client certs in memory, the cache on a claim (or a per-pod scratch dir). */
export declare function podVolumes(config: SessionConfig, options: K8sOptions): Record<string, unknown>[];
