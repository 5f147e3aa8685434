import type { DockerEngine } from '../engine/docker.js';
import type { Logger } from './types.js';
export interface ReapReport {
    readonly removed: string[];
    readonly warnings: string[];
}
export declare function reapOrphans(engine: DockerEngine, now: Date, stateDir: string, log?: Logger): Promise<ReapReport>;
