import { type CacheScope } from '../core/generations.js';
import type { Logger } from '../ports.js';
/** Where a session's generations live: recorded with the session, so teardown can commit or discard. */
export interface GenerationPlace {
    readonly store: string;
    readonly cacheKey: string;
    readonly scope: CacheScope;
}
/**
 * Why this process cannot do the store's file work (undefined: it can). The store is a path on the
 * engine's host, so this process must be root in the engine's own mount namespace (a runner in a
 * container, even with the engine's socket, sees other paths).
 */
export declare function storeUnreachable(engineHost: string | undefined): Promise<string | undefined>;
export type Checkout = {
    readonly mode: 'generations';
    readonly workDir: string;
    readonly fromScope: string | undefined;
} | {
    readonly mode: 'slots';
    readonly reason: string;
};
/** Clones the first latest generation of the session's read scopes into its own copy. */
export declare function checkoutGeneration(place: GenerationPlace, sessionId: string): Promise<Checkout>;
/** The session's copy becomes its write scope's latest generation; returns its size in bytes. */
export declare function commitGeneration(place: GenerationPlace, sessionId: string, now: Date): Promise<number | undefined>;
export declare function discardGeneration(place: GenerationPlace, sessionId: string): Promise<void>;
/** Host-side records of each scope's latest generation: its size and last use order the host budget. */
export interface GenerationRecord {
    readonly store: string;
    readonly cacheKey: string;
    readonly scope: string;
    readonly bytes: number;
    /** Epoch milliseconds of the last commit to, or checkout from, the scope. */
    readonly lastUsed: number;
}
export declare function listGenerationRecords(stateDir: string): Promise<GenerationRecord[]>;
/** Records a use of a scope (a commit gives its new size; a checkout keeps the known one). */
export declare function noteGenerationUse(stateDir: string, place: GenerationPlace, scope: string, usedAt: Date, bytes?: number): Promise<void>;
/**
 * Removes least recently used scopes' generations until the recorded total fits the budget. Sizes
 * count each generation whole (blocks it shares with another are counted twice), so the budget
 * errs towards free space. `keep` (the scope just committed) is never evicted.
 */
export declare function enforceGenerationBudget(stateDir: string, budget: number, keep: {
    readonly store: string;
    readonly cacheKey: string;
    readonly scope: string;
}, log?: Logger): Promise<string[]>;
/**
 * Why the store cannot clone, when a probe found so within the hour: such a store costs launches
 * no helper run at all. Undefined: clone (or probe again).
 */
export declare function knownUnclonable(stateDir: string, store: string, now: Date): Promise<string | undefined>;
export declare function noteUnclonable(stateDir: string, store: string, reason: string, now: Date): Promise<void>;
