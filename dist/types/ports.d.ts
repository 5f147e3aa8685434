/**
 * What the session core needs from the world, in one place: a logger, a clock, and the engine port
 * (the calls the product makes to a Docker-API engine). The dockerode adapter in src/engine
 * implements the engine port; an in-memory double in test/support implements it for unit tests; a
 * Kubernetes placement can implement it next. Plain types only: nothing here does I/O.
 */
import type { Readable } from 'node:stream';
import type { ContainerCreateBody } from './core/spec.js';
export type { Logger } from './core/logger.js';
/** Where the host's engine listens unless a setting says otherwise. */
export declare const DEFAULT_ENGINE_HOST = "unix:///var/run/docker.sock";
/** Time, injectable so that waits and deadlines are testable without real sleeping. */
export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    /** Resolves after ms; rejects with the signal's reason when it aborts first. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
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
/** Where a job's daemon listens (mutual TLS). */
export interface DaemonAddress {
    readonly host: string;
    readonly port: number;
    /** Name to verify the server certificate against (and send as SNI) when host is an address. */
    readonly servername?: string;
}
/** PEM contents (not paths) of the client side of a session's certificates. */
export interface TlsClientFiles {
    readonly ca: string;
    readonly cert: string;
    readonly key: string;
}
/** What an engine's images, containers, volumes and build cache take (GET /system/df), in bytes. */
export interface DiskUsage {
    readonly images: number;
    readonly layersBytes: number;
    readonly buildCacheBytes: number;
    readonly containersBytes: number;
    readonly volumesBytes: number;
}
/**
 * An image in an engine's store, as the per-volume budget weighs it. No Docker engine records when
 * an image was last used (moby/moby#4237): creation and last tagging are the signals there are.
 */
export interface ImageSummary {
    readonly id: string;
    readonly repoTags: readonly string[];
    /** Bytes of all its layers. */
    readonly size: number;
    /** Bytes of its layers that other images hold too; undefined when the engine did not compute it. */
    readonly sharedSize: number | undefined;
    /** Epoch milliseconds the image was made (its configuration's creation time). */
    readonly created: number;
    /** Epoch milliseconds it was last tagged on this engine (build, tag, import); undefined when never. */
    readonly lastTagged: number | undefined;
    /** Containers, running or stopped, made from it; undefined when the engine did not count them. */
    readonly containers: number | undefined;
}
/**
 * The engine calls the product makes, to the host's engine and to a job's daemon alike. Failures are SystemErrors naming the call (the engine's
 * error, with its status code, as the cause); removals of what is already gone resolve to false;
 * createContainer throws NameConflict (core/errors) when the name is taken.
 */
export interface EnginePort {
    /** The engine's address, for messages. */
    readonly host: string;
    version(): Promise<EngineVersion>;
    info(): Promise<Record<string, unknown>>;
    versionAndRuntimes(): Promise<{
        version: string;
        runtimes: string[];
    }>;
    imageExists(image: string): Promise<boolean>;
    imageConfig(image: string): Promise<ImageConfig | undefined>;
    pullImage(image: string, auth?: RegistryAuthConfig): Promise<void>;
    listNetworks(labels?: Record<string, string | undefined>): Promise<NetworkInfo[]>;
    inspectNetwork(name: string): Promise<NetworkInfo | undefined>;
    /** False when the subnet is taken (a race with another launch). */
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
    /** `bindTo`: a local volume over that directory of the engine's host (its removal leaves the data). */
    createVolume(name: string, labels: Record<string, string>, bindTo?: string): Promise<void>;
    removeVolume(name: string): Promise<boolean>;
    listVolumes(labels: Record<string, string | undefined>): Promise<VolumeInfo[]>;
    volumeUsage(): Promise<Map<string, {
        size: number;
        refCount: number;
    }>>;
    diskUsage(): Promise<DiskUsage>;
    /** Removes build cache down to keepBytes. */
    pruneBuildCache(keepBytes: number): Promise<void>;
    /** Images with their sizes, shared sizes and container counts (GET /system/df; it measures). */
    listImages(): Promise<ImageSummary[]>;
    /** Removes an image and all its tags; false when it was already gone. */
    removeImage(id: string): Promise<boolean>;
    createContainer(name: string, body: ContainerCreateBody | Record<string, unknown>): Promise<string>;
    putArchive(container: string, path: string, tar: Buffer): Promise<void>;
    startContainer(container: string): Promise<void>;
    inspectContainer(container: string): Promise<ContainerState | undefined>;
    containerLogs(container: string, tail?: number): Promise<string>;
    followLogs(container: string, since: Date, onData: (chunk: Buffer) => void, signal: AbortSignal): Promise<void>;
    listContainers(labels: Record<string, string | undefined>, options?: {
        readonly runningOnly?: boolean;
    }): Promise<ContainerSummary[]>;
    stopContainer(container: string, graceSeconds: number): Promise<void>;
    removeContainer(container: string): Promise<boolean>;
    exec(container: string, cmd: readonly string[], io: ExecIo): Promise<number>;
    runToCompletion(name: string, body: Record<string, unknown>): Promise<{
        statusCode: number;
        output: string;
    }>;
    /** Closes the client's sockets, so that a process can end without process.exit(). */
    close(): void;
}
