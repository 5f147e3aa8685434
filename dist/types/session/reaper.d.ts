import type { DockerEngine } from '../engine/docker.js';
import type { Logger } from './types.js';
export declare const CERT_DIR_LABEL: string;
export interface ReapReport {
    readonly removed: string[];
    readonly warnings: string[];
}
export declare function reapOrphans(engine: DockerEngine, now: Date, log?: Logger): Promise<ReapReport>;
