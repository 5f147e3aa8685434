import type { ContainerCreateBody } from '../core/spec.js';
import type { ContainerState, ContainerSummary, DaemonAddress, EnginePort, ExecIo, Logger, TlsClientFiles } from '../ports.js';
import { DockerResources } from './docker-resources.js';
/** A job's daemon over the session's mutual TLS. */
export declare function connectDaemonOverTls(address: DaemonAddress, tls: TlsClientFiles, options?: {
    timeoutMs?: number;
    log?: Logger;
}): DockerEngine;
export declare class DockerEngine extends DockerResources implements EnginePort {
    /** Creates a container; throws NameConflict when the name is in use. Returns its id. */
    createContainer(name: string, body: ContainerCreateBody | Record<string, unknown>): Promise<string>;
    /** Extracts a tar archive into the container (works before it starts). */
    putArchive(container: string, path: string, tar: Buffer): Promise<void>;
    startContainer(container: string): Promise<void>;
    inspectContainer(container: string): Promise<ContainerState | undefined>;
    /** The last lines of the container's output (stdout and stderr), as text. */
    containerLogs(container: string, tail?: number): Promise<string>;
    /**
     * Follows a container's output (stdout and stderr together) from `since` until the signal
     * aborts or the container stops; each chunk goes to onData.
     */
    followLogs(container: string, since: Date, onData: (chunk: Buffer) => void, signal: AbortSignal): Promise<void>;
    listContainers(labels: Record<string, string | undefined>, options?: {
        readonly runningOnly?: boolean;
    }): Promise<ContainerSummary[]>;
    /** Stops with SIGTERM, then SIGKILL after the grace period. A stopped or gone container is fine. */
    stopContainer(container: string, graceSeconds: number): Promise<void>;
    /** Removes a container with its anonymous volumes; false when it was already gone. */
    removeContainer(container: string): Promise<boolean>;
    /** Runs a command in a running container, streaming its output; returns its exit status. */
    exec(container: string, cmd: readonly string[], io: ExecIo): Promise<number>;
    /** Creates, starts and waits for a short-lived container; returns its status and output, then removes it. */
    runToCompletion(name: string, body: Record<string, unknown>): Promise<{
        statusCode: number;
        output: string;
    }>;
}
