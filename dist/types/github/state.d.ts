/**
 * What the main step hands to the post step: one JSON document under one state key, rewritten before
 * each side effect, so the post step can undo whatever a half-finished main step did.
 */
import type { SessionState } from '../session/types.js';
import type { DockerContextRecord } from './context.js';
export declare const STATE_KEY = "secure_dind";
export interface ActionState {
    readonly version: 1;
    /** Write the teardown line to the job summary. */
    readonly summary: boolean;
    /**
     * DOCKER_HOST and friends as the main step found them: the engine the session was created on.
     * Post restores them before teardown, since by then the job's environment points at the inner daemon.
     */
    readonly outerEnv: Readonly<Record<string, string>>;
    /** What the session created so far (undefined until launch saves its first state). */
    readonly session?: SessionState;
    /** A docker context the main step created (and maybe made current), to remove. */
    readonly context?: DockerContextRecord;
}
export declare function encodeState(state: ActionState): string;
/** undefined for an empty value (main never saved state); throws on anything unreadable. */
export declare function decodeState(text: string): ActionState | undefined;
