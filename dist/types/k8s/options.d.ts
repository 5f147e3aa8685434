export type CacheVolumeMode = 'claim' | 'ephemeral';
export type UsernsMode = 'host-users' | 'cri-o';
export type ListenMode = 'loopback' | 'pod';
export interface K8sOptions {
    /** The CI runner's image (ARC's runner container). */
    readonly runnerImage: string;
    /** User id the runner's job runs as: the only one that may read the client key. */
    readonly runnerUid: number;
    /** `claim`: one pre-made PersistentVolumeClaim whose slots outlive pods; `ephemeral`: per pod. */
    readonly cacheVolume: CacheVolumeMode;
    readonly cacheClaim: string;
    /** Storage class of the cache claim; undefined: the cluster's default class. */
    readonly storageClass: string | undefined;
    /** Requested size of one cache claim in bytes; undefined: derived from the cache budget. */
    readonly cacheVolumeSize: number | undefined;
    readonly userns: UsernsMode;
    /** `loopback`: only containers of the pod reach the daemon; `pod`: the pod IP too (mTLS still). */
    readonly listen: ListenMode;
    readonly githubConfigUrl: string;
    readonly githubConfigSecret: string;
}
export declare const K8S_OPTION_NAMES: readonly ["runner-image", "runner-uid", "cache-volume", "cache-claim", "storage-class", "cache-volume-size", "userns", "listen", "github-config-url", "github-config-secret"];
export type K8sOptionName = (typeof K8S_OPTION_NAMES)[number];
export declare const K8S_OPTION_DOCS: Record<K8sOptionName, {
    description: string;
    default: string | undefined;
}>;
export declare function parseK8sOptions(raw: Partial<Record<K8sOptionName, string>>): K8sOptions;
