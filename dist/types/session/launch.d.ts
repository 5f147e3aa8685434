import type { SessionConfig } from '../core/config.js';
import { DockerEngine } from '../engine/docker.js';
import type { LaunchOptions, Session } from './types.js';
export interface LaunchDependencies {
    readonly engine?: DockerEngine;
    readonly stateDir?: string;
    readonly now?: () => Date;
}
export declare function launch(config: SessionConfig, options?: LaunchOptions, dependencies?: LaunchDependencies): Promise<Session>;
