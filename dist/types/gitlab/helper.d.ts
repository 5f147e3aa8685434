import type { EnginePort, Logger } from '../ports.js';
import type { JobContext } from './job.js';
/**
 * Starts the helper container, with only the builds and cache directories (at the same paths, as the runner's scripts expect) and the host's
 * gitlab-runner binary, read-only, at the path the scripts call it by.
 */
export declare function startHelperContainer(context: JobContext, image: string, buildsDir: string, labels: Record<string, string>, engine: EnginePort): Promise<void>;
/** The administrator's helper image, pulled when missing; a failure is the host's, not the job's. */
export declare function ensureHelperImage(engine: EnginePort, image: string, log: Logger): Promise<void>;
