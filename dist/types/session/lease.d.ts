import type { ContainerCreateBody } from '../core/spec.js';
import type { LaunchContext } from './launch-context.js';
export interface SlotLease {
    readonly containerId: string;
    readonly containerName: string;
    readonly volumeName: string;
    readonly slot: number;
    /** The cache volume was there before this session (with caching off, always false). */
    readonly volumeExisted: boolean;
}
/**
 * Creates the daemon container on the first free slot; `specFor` gives its body, with the labels
 * of the slot and the slot's volume.
 */
export declare function leaseSlot(context: LaunchContext, specFor: (slot: {
    volumeName: string;
    labels: Record<string, string>;
}) => ContainerCreateBody): Promise<SlotLease>;
