/** The engine's raw answers, turned into the port's types (pure). */
import type { ContainerState, ContainerSummary, ImageConfig, ImageSummary, NetworkInfo, VolumeInfo } from '../ports.js';
export declare function statusOf(error: unknown): number | undefined;
/** The engine's own message when it sent one (dockerode puts it in json.message). */
export declare function engineMessage(error: unknown): string;
/** The engine's label filter: "key" matches any value, "key=value" one. */
export declare function labelFilter(labels: Record<string, string | undefined>): string[];
interface RawNetwork {
    Name: string;
    Id: string;
    IPAM?: {
        Config?: {
            Subnet?: string;
            Gateway?: string;
        }[] | null;
    } | null;
    Options?: Record<string, string> | null;
    Labels?: Record<string, string> | null;
    Containers?: Record<string, unknown> | null;
}
export declare function toNetworkInfo(n: RawNetwork): NetworkInfo;
export declare function toImageConfig(image: {
    Config?: {
        Entrypoint?: string[] | string | null;
        ExposedPorts?: Record<string, unknown> | null;
    };
}): ImageConfig;
/** An image in GET /system/df (which computes SharedSize and Containers; -1 means not computed). */
export interface RawImageUsage {
    Id: string;
    RepoTags?: string[] | null;
    Created: number;
    Size: number;
    SharedSize?: number;
    Containers?: number;
}
/** The parts of GET /images/{id}/json that time an image, to the nanosecond (RFC 3339). */
export interface RawImageTimes {
    Created?: string;
    Metadata?: {
        LastTagTime?: string | null;
    } | null;
}
export declare function toImageSummary(usage: RawImageUsage, times: RawImageTimes): ImageSummary;
export declare function toVolumeInfo(v: {
    Name: string;
    Labels?: Record<string, string> | null;
    CreatedAt?: string;
}): VolumeInfo;
export interface BridgeNetworkSpec {
    name: string;
    labels: Record<string, string>;
    subnet?: {
        subnet: string;
        gateway: string;
    };
    mtu?: number;
}
export declare function bridgeNetworkBody(spec: BridgeNetworkSpec): {
    Options?: {
        'com.docker.network.driver.mtu': string;
    } | undefined;
    IPAM?: {
        Driver: string;
        Config: {
            Subnet: string;
            Gateway: string;
        }[];
    } | undefined;
    Name: string;
    Driver: string;
    CheckDuplicate: boolean;
    Labels: Record<string, string>;
};
export declare function toContainerSummary(c: {
    Id: string;
    Names: string[];
    State: string;
    Labels?: Record<string, string> | null;
    Image: string;
}): ContainerSummary;
interface RawContainer {
    Id: string;
    Name: string;
    State: {
        Running: boolean;
        Status: string;
        ExitCode: number;
    };
    Config: {
        Labels?: Record<string, string> | null;
    };
    HostConfig: object;
    NetworkSettings: {
        Networks?: object | null;
    };
    Mounts: object[];
}
export declare function toContainerState(c: RawContainer): ContainerState;
/** Docker's log stream for a container without a TTY: 8-byte frame headers before each chunk. */
export declare function demultiplex(raw: Buffer | string): string;
export {};
