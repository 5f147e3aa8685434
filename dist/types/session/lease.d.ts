import type { ContainerCreateBody } from '../core/spec.js';
import type { LaunchContext } from './launch-context.js';
type SpecFor = (slot: {
    volumeName: string;
    labels: Record<string, string>;
}) => ContainerCreateBody;
export interface SlotLease {
    readonly containerId: string;
    readonly containerName: string;
    readonly volumeName: string;
    /** Undefined in generations mode (no slot: the session's own clone). */
    readonly slot: number | undefined;
    /** The cache volume was there before this session (with caching off, always false). */
    readonly volumeExisted: boolean;
}
/**
 * Creates the daemon container on the first free slot; `specFor` gives its body, with the labels
 * of the slot and the slot's volume.
 */
export declare function leaseSlot(context: LaunchContext, specFor: SpecFor): Promise<SlotLease>;
/**
 * Generations mode: the daemon container, named after the session, on a volume over the session's
 * clone in the store. Nothing is shared, so nothing is leased.
 */
export declare function useClone(context: LaunchContext, workDir: string, specFor: SpecFor): Promise<SlotLease>;
export {};
