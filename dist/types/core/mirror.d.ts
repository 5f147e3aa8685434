/** The mirror's resources: one of each per engine. */
export declare const MIRROR: {
    readonly container: "secure-dind-mirror";
    readonly network: "secure-dind-mirror";
    readonly volume: "secure-dind-mirror-cache";
};
/** Built from mirror-image/ (`docker build -t secure-dind/mirror mirror-image`). */
export declare const DEFAULT_MIRROR_IMAGE = "secure-dind/mirror";
export declare const DEFAULT_UPSTREAM = "https://registry-1.docker.io";
export declare const DEFAULT_MIRROR_BUDGET = "20GiB";
export declare const DEFAULT_MIRROR_PORT = 5000;
/** What `mirror status` and launches read back from the running mirror. */
export declare const MIRROR_LABELS: {
    readonly url: "dev.secure-dind.mirror-url";
    readonly upstream: "dev.secure-dind.mirror-upstream";
    readonly budget: "dev.secure-dind.mirror-budget";
    readonly image: "dev.secure-dind.mirror-image";
    /** The published IP:PORT. */
    readonly listen: "dev.secure-dind.mirror-listen";
};
/** Finds the mirror's container, network and volume. */
export declare const MIRROR_SELECTOR: {
    readonly "dev.secure-dind.owner": "secure-dind";
    readonly "dev.secure-dind.role": "mirror";
};
/** The registry-mirror session setting. */
export type RegistryMirrorSetting = {
    readonly mode: 'off';
}
/** The mirror `secure-dind mirror up` runs on the session's engine. */
 | {
    readonly mode: 'auto';
} | {
    readonly mode: 'url';
    readonly url: string;
};
export declare const REGISTRY_MIRROR_FORM = "off, auto, or an http(s) URL such as https://mirror.example.com";
export declare function parseRegistryMirror(text: string): RegistryMirrorSetting | undefined;
/** An http(s) URL without path, query or credentials, as "scheme://host[:port]"; else undefined. */
export declare function parseHttpUrl(text: string): string | undefined;
export interface MirrorOptions {
    readonly image: string;
    readonly upstream: string;
    /** Bytes the cache may take; `status` and `gc` hold the cache to it. */
    readonly budget: number;
    /** Host address to publish on; undefined: the mirror network's gateway. */
    readonly listenIp: string | undefined;
    readonly port: number;
}
export interface RawMirrorOptions {
    readonly image?: string;
    readonly upstream?: string;
    readonly storageBudget?: string;
    readonly listen?: string;
}
/** Parses `mirror up` options; errors name the option as written. */
export declare function parseMirrorOptions(raw: RawMirrorOptions): MirrorOptions;
/**
 * The URL sessions use: the published address, or the gateway when published on every address
 * (0.0.0.0 includes the gateway; a session needs one address it can route to).
 */
export declare function mirrorUrl(options: Pick<MirrorOptions, 'listenIp' | 'port'>, gateway: string): string;
export declare function mirrorLabels(createdAt: Date, extra?: Record<string, string>): Record<string, string>;
/**
 * The mirror's container: unprivileged (the image's non-root user, no capabilities, no privilege
 * gain, read-only root), on its own network, restarted with the engine unless stopped by hand.
 */
export declare function mirrorContainerSpec(options: MirrorOptions, publishIp: string, labels: Record<string, string>): Record<string, unknown>;
/** The daemon.json key naming the mirror: ours first, then any the user configured. */
export declare function withRegistryMirror(daemonJson: Record<string, unknown>, url: string | undefined): Record<string, unknown>;
