import type { ClientEnv } from '../session/types.js';
import type { ActionIo } from './io.js';
export interface DockerContextRecord {
    readonly name: string;
    /** The context that was current before, to switch back to. */
    readonly previous: string | undefined;
}
/**
 * Creates the context and makes it current. `record` is called before anything is changed, so the
 * post step can undo a half-done creation.
 */
export declare function createDockerContext(io: ActionIo, name: string, env: ClientEnv, record: (context: DockerContextRecord) => void): Promise<DockerContextRecord>;
/** Switches back to the previous context and removes ours. Throws with the CLI's message on failure. */
export declare function removeDockerContext(io: ActionIo, context: DockerContextRecord): Promise<void>;
/**
 * The context the CLI's configuration makes current (`currentContext` in config.json), undefined for
 * the default one. Read from the file: `docker context show` is missing from older CLIs, and the CLI
 * reports "default" whenever DOCKER_HOST is set.
 */
export declare function currentDockerContext(env: NodeJS.ProcessEnv): string | undefined;
