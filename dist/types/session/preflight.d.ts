/** The launch's first checks: the engine has the Sysbox runtime, and the DinD image (pulled if not). */
import type { SessionConfig } from '../core/config.js';
import type { EnginePort, Logger } from '../ports.js';
/** The engine has the runtime; returns the engine's version. */
export declare function checkRuntime(engine: EnginePort, config: SessionConfig): Promise<string>;
/** The engine has the DinD image, pulled when it was not there. */
export declare function ensureImage(engine: EnginePort, config: SessionConfig, log: Logger | undefined): Promise<void>;
