export declare const LABEL_PREFIX = "dev.secure-dind";
export declare const LABELS: {
    readonly owner: "dev.secure-dind.owner";
    readonly session: "dev.secure-dind.session";
    readonly job: "dev.secure-dind.job";
    readonly cacheKey: "dev.secure-dind.cache-key";
    readonly cacheSlot: "dev.secure-dind.cache-slot";
    readonly createdAt: "dev.secure-dind.created-at";
    readonly deadline: "dev.secure-dind.deadline";
    readonly role: "dev.secure-dind.role";
    /** The session's client certificate directory on the launching host (removed with the session). */
    readonly certDir: "dev.secure-dind.cert-dir";
    /** Spare session networks: the state dir (hashed) whose launches may lease them, and their MTU. */
    readonly pool: "dev.secure-dind.pool";
    readonly mtu: "dev.secure-dind.mtu";
    /** A session's clone: the store, scope and helper image its teardown commits or discards with. */
    readonly generation: "dev.secure-dind.generation";
};
export declare const OWNER = "secure-dind";
/** What a labelled resource is for. */
export type ResourceRole = 'daemon' | 'network' | 'spare-network' | 'cache' | 'scratch' | 'work' | 'job' | 'helper' | 'service' | 'mirror';
export declare function newSessionId(): string;
/** A short, name-safe digest of a cache key (keys may hold characters names may not). */
export declare function cacheKeyDigest(cacheKey: string): string;
/** The daemon container is named after its cache slot: the name is the slot's lease. */
export declare function daemonContainerName(cacheKey: string, slot: number): string;
export declare function cacheVolumeName(cacheKey: string, slot: number): string;
/** Without caching, no lease is needed: the container and its scratch volume are per session. */
export declare function uncachedContainerName(sessionId: string): string;
/** In generations mode a session runs on its own clone: no slot to lease. */
export declare function generationContainerName(sessionId: string): string;
/** The session's clone of its scope's generation, as a volume over the store's directory. */
export declare function workVolumeName(sessionId: string): string;
export declare function scratchVolumeName(sessionId: string): string;
export declare function sessionNetworkName(sessionId: string): string;
export interface LabelInput {
    readonly sessionId: string;
    readonly role: ResourceRole;
    readonly jobId?: string;
    readonly cacheKey?: string;
    readonly cacheSlot?: number;
    readonly createdAt: Date;
    readonly deadline?: Date;
}
export declare function resourceLabels(input: LabelInput): Record<string, string>;
/** A cache volume belongs to its key and slot, not to the session that happened to create it. */
export declare function cacheVolumeLabels(cacheKey: string, slot: number, createdAt: Date): Record<string, string>;
/** A resource is an orphan once its deadline has passed; one without a readable deadline never is. */
export declare function isPastDeadline(labels: Readonly<Record<string, string>> | undefined, now: Date): boolean;
