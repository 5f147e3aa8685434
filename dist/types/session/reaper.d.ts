import type { EnginePort } from '../ports.js';
import type { Logger } from './types.js';
export interface ReapReport {
    readonly removed: string[];
    readonly warnings: string[];
}
export declare function reapOrphans(engine: EnginePort, now: Date, stateDir: string, log?: Logger): Promise<ReapReport>;
