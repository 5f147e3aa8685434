import { type MirrorOptions } from '../core/mirror.js';
import type { EnginePort, Logger } from '../ports.js';
export interface MirrorStatus {
    readonly state: 'absent' | 'running' | 'stopped';
    readonly url?: string;
    readonly upstream?: string;
    readonly image?: string;
    readonly budgetBytes?: number;
    /** Bytes the cache volume takes. */
    readonly usedBytes?: number;
    readonly overBudget: boolean;
    /** Why a running mirror does not answer; undefined when it does. */
    readonly problem?: string;
}
/** Starts the mirror, or leaves a running one with the same settings as it is. */
export declare function mirrorUp(engine: EnginePort, options: MirrorOptions, log?: Logger, now?: () => Date): Promise<MirrorStatus>;
/** Removes the mirror and its network; the cache volume too with `purge`. */
export declare function mirrorDown(engine: EnginePort, purge: boolean): Promise<string[]>;
export declare function mirrorStatus(engine: EnginePort): Promise<MirrorStatus>;
/** Empties the cache when it is over budget, restarting the mirror with its settings. */
export declare function mirrorGc(engine: EnginePort, log?: Logger): Promise<MirrorStatus>;
