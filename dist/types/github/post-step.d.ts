import type { CacheOutcome, Logger, SessionState, TeardownReport } from '../session/types.js';
import type { ActionIo } from './io.js';
export interface PostDeps {
    readonly io: ActionIo;
    readonly teardown: (target: SessionState, options: {
        log?: Logger;
        cacheOutcome: CacheOutcome;
    }) => Promise<TeardownReport>;
    /** The environment teardown's engine client reads (process.env under the runner). */
    readonly env: NodeJS.ProcessEnv;
}
/** Runs the post step. Never throws and never fails the job. */
export declare function runPost(deps: PostDeps): Promise<void>;
