import type { JobContext } from './job.js';
/** The slot this owner holds, if any. */
export declare function heldSlot(leaseDir: string, owner: string): Promise<number | undefined>;
/** The owner's slot: the one it already holds (stages repeat), else the lowest free one. */
export declare function leaseSlot(leaseDir: string, owner: string, deadline: Date, now?: Date): Promise<number>;
/** Gives the owner's slot back; nothing to do when it holds none. */
export declare function releaseSlot(leaseDir: string, owner: string): Promise<void>;
/** The job's builds directory: its project's base plus the slot it holds (leased on first call). */
export declare function leaseBuildsDir(context: JobContext, deadlineSeconds: number): Promise<string>;
