/** The launch's first check: the engine has the Sysbox runtime and the DinD image (pulled if not). */
import type { SessionConfig } from '../core/config.js';
import type { EnginePort, Logger } from '../ports.js';
/** Returns the engine's version. */
export declare function checkEngine(engine: EnginePort, config: SessionConfig, log: Logger | undefined): Promise<string>;
