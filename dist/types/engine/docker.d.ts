/**
 * The only module that talks to the Docker Engine API (through dockerode). One method per call the
 * product makes; each is logged at debug level and failures are rethrown as SystemError naming the
 * call, with the engine's error as the cause. A 404 on removal counts as done (idempotent cleanup).
 */
import Docker from 'dockerode';
import { type Readable } from 'node:stream';
import type { ContainerCreateBody } from '../core/spec.js';
import type { Logger } from '../core/logger.js';
export declare const DEFAULT_ENGINE_HOST = "unix:///var/run/docker.sock";
export interface EngineVersion {
    readonly version: string;
    readonly apiVersion: string;
}
export interface NetworkInfo {
    readonly name: string;
    readonly id: string;
    readonly subnets: readonly string[];
    /** Gateways given in the IPAM config (Docker omits it for the default bridge unless bip is set). */
    readonly gateways: readonly string[];
    readonly mtu: number | undefined;
    readonly labels: Record<string, string>;
    /** Attached container ids: filled by inspectNetwork only (the engine's list omits them). */
    readonly containers: readonly string[];
}
export interface VolumeInfo {
    readonly name: string;
    readonly labels: Record<string, string>;
    readonly createdAt: string | undefined;
    /** Bytes, when the engine computed it (system df). */
    readonly size?: number;
    /** Containers using it, when known (system df). */
    readonly refCount?: number;
}
export interface ContainerSummary {
    readonly id: string;
    readonly name: string;
    readonly state: string;
    readonly labels: Record<string, string>;
    readonly image: string;
}
export interface ContainerState {
    readonly id: string;
    readonly name: string;
    readonly running: boolean;
    readonly status: string;
    readonly exitCode: number;
    readonly labels: Record<string, string>;
    readonly hostConfig: Record<string, unknown>;
    readonly runtime: string | undefined;
    readonly networks: Record<string, {
        IPAddress?: string;
    }>;
    readonly mounts: readonly {
        Type?: string;
        Name?: string;
        Source?: string;
        Destination?: string;
    }[];
}
export interface ImageConfig {
    readonly entrypoint: readonly string[];
    /** "5432/tcp" style keys of the image's ExposedPorts. */
    readonly exposedPorts: readonly string[];
}
/** Credentials for one pull (Docker's AuthConfig). */
export interface RegistryAuthConfig {
    readonly username?: string;
    readonly password?: string;
    readonly identitytoken?: string;
    readonly serveraddress: string;
}
/** Streams of a command run in a container. */
export interface ExecIo {
    /** Written to the process's stdin, which is then closed. */
    readonly stdin?: Buffer | Readable;
    readonly stdout: NodeJS.WritableStream;
    readonly stderr: NodeJS.WritableStream;
}
/** Thrown by createContainer when the name is taken: the cache slot is leased by someone else. */
export declare class NameConflict extends Error {
}
export declare function dockerodeOptions(host: string): Docker.DockerOptions;
export declare class DockerEngine {
    readonly host: string;
    private readonly docker;
    private readonly log;
    constructor(host?: string, log?: Logger);
    private call;
    /** Like call, but a 404 (already gone) is success: returns false. */
    private remove;
    version(): Promise<EngineVersion>;
    /** The engine's GET /info, as it answers. */
    info(): Promise<Record<string, unknown>>;
    /** The engine's version and the names of its runtimes, from one GET /info. */
    versionAndRuntimes(): Promise<{
        version: string;
        runtimes: string[];
    }>;
    imageExists(image: string): Promise<boolean>;
    /** The parts of an image's configuration a container's behaviour depends on; undefined when absent. */
    imageConfig(image: string): Promise<ImageConfig | undefined>;
    /**
     * Pulls an image (":latest" when it names no tag, as the docker CLI does). The registry
     * credentials go only into the request's X-Registry-Auth header, never into a message.
     */
    pullImage(image: string, auth?: RegistryAuthConfig): Promise<void>;
    listNetworks(labels?: Record<string, string | undefined>): Promise<NetworkInfo[]>;
    inspectNetwork(name: string): Promise<NetworkInfo | undefined>;
    /**
     * Creates a bridge network, on a given subnet or one the engine picks; returns false when the
     * subnet is taken (a race with another launch).
     */
    createNetwork(spec: {
        name: string;
        labels: Record<string, string>;
        subnet?: {
            subnet: string;
            gateway: string;
        };
        mtu?: number;
    }): Promise<boolean>;
    removeNetwork(name: string): Promise<boolean>;
    connectNetwork(network: string, container: string, aliases?: readonly string[]): Promise<void>;
    disconnectNetwork(network: string, container: string): Promise<boolean>;
    inspectVolume(name: string): Promise<VolumeInfo | undefined>;
    /** Creates a volume; a volume of that name that already exists is returned unchanged. */
    createVolume(name: string, labels: Record<string, string>): Promise<void>;
    removeVolume(name: string): Promise<boolean>;
    listVolumes(labels: Record<string, string | undefined>): Promise<VolumeInfo[]>;
    /** Volumes with their sizes and reference counts (GET /system/df; slower, it measures). */
    volumeUsage(): Promise<Map<string, {
        size: number;
        refCount: number;
    }>>;
    /**
     * The engine runs one disk usage computation at a time and refuses a second one ("a disk usage
     * operation is already running"): concurrent teardowns applying the host budget wait their turn.
     */
    private oneDiskUsageAtATime;
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
    listContainers(labels: Record<string, string | undefined>): Promise<ContainerSummary[]>;
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
/** Docker's log stream for a container without a TTY: 8-byte frame headers before each chunk. */
export declare function demultiplex(raw: Buffer | string): string;
