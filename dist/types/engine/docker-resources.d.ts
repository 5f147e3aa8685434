import type { DiskUsage, EngineVersion, ImageConfig, ImageSummary, Logger, NetworkInfo, RegistryAuthConfig, VolumeInfo } from '../ports.js';
import { type EngineClient } from './connect.js';
export declare class DockerResources {
    readonly host: string;
    protected readonly client: EngineClient;
    protected readonly log: Logger | undefined;
    constructor(host: string, log?: Logger, client?: EngineClient);
    protected get docker(): import("dockerode");
    close(): void;
    protected call<T>(what: string, action: () => Promise<T>): Promise<T>;
    /** Like call, but "no such thing" (404) is an answer: undefined. */
    protected lookUp<T>(what: string, action: () => Promise<T>): Promise<T | undefined>;
    /** Like call, but a 404 (already gone) is success: returns false. */
    protected remove(what: string, action: () => Promise<unknown>): Promise<boolean>;
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
    createVolume(name: string, labels: Record<string, string>, bindTo?: string): Promise<void>;
    removeVolume(name: string): Promise<boolean>;
    listVolumes(labels: Record<string, string | undefined>): Promise<VolumeInfo[]>;
    /** Volumes with their sizes and reference counts (GET /system/df; slower, it measures). */
    volumeUsage(): Promise<Map<string, {
        size: number;
        refCount: number;
    }>>;
    diskUsage(): Promise<DiskUsage>;
    pruneBuildCache(keepBytes: number): Promise<void>;
    /**
     * Images from GET /system/df, which (unlike GET /images/json before API 1.42) computes shared
     * sizes and container counts, each inspected for its times; one removed meanwhile is left out.
     */
    listImages(): Promise<ImageSummary[]>;
    /**
     * Forced, so that an image with several tags goes whole; the engine still refuses an image a
     * running container uses, or one that other images are built on.
     */
    removeImage(id: string): Promise<boolean>;
}
