/**
 * The sidecar's dockerd: its files (server certificates, daemon.json) in a directory private to the
 * DinD container, its arguments, and starting and stopping it.
 */
import { type ChildProcess } from 'node:child_process';
import type { PemPair } from '../tls/certs.js';
import type { ListenMode } from './options.js';
/** Inside the DinD container only (not a shared volume): server key, daemon.json, pid file. */
export declare const PRIVATE_DIR = "/run/secure-dind";
export interface DaemonFiles {
    readonly configFile: string;
    readonly caFile: string;
    readonly certFile: string;
    readonly keyFile: string;
    readonly pidFile: string;
}
export declare function writeDaemonFiles(dir: string, daemonJson: Record<string, unknown>, caCertPem: string, server: PemPair): Promise<DaemonFiles>;
/** Where dockerd listens: the pod's loopback unless the pod IP was asked for (mTLS either way). */
export declare function listenAddress(listen: ListenMode): string;
/**
 * Only the mutual-TLS TCP socket: no unix socket, so nothing in the pod reaches the daemon
 * without the client certificate.
 */
export declare function dockerdArgs(files: DaemonFiles, dataRoot: string, listen: ListenMode): string[];
/**
 * cgroup v2: dockerd must delegate controllers, which the root cgroup of the container cannot do
 * while it holds processes; move ours to a child first (as runner-image's entrypoint does).
 */
export declare function nestCgroupV2(root?: string): Promise<void>;
export interface RunningDaemon {
    readonly process: ChildProcess;
    /** Resolves with the exit code (or signal name) when dockerd ends. */
    readonly exited: Promise<number | string>;
}
export declare function startDockerd(args: readonly string[]): RunningDaemon;
/** SIGTERM (dockerd stops its containers and flushes), SIGKILL after `graceMs`. True when clean. */
export declare function stopDockerd(daemon: RunningDaemon, graceMs: number): Promise<boolean>;
