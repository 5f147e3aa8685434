/** The engine calls that stream: following a container's output and running a command in it. */
import type Docker from 'dockerode';
import type { ExecIo, RegistryAuthConfig } from '../ports.js';
export declare function followContainerLogs(docker: Docker, container: string, since: Date, onData: (chunk: Buffer) => void, signal: AbortSignal): Promise<void>;
export declare function execInContainer(docker: Docker, container: string, cmd: readonly string[], io: ExecIo): Promise<number>;
/**
 * Pulls an image (":latest" when it names no tag, as the docker CLI does). The registry
 * credentials go only into the request's X-Registry-Auth header, never into a message.
 */
export declare function pullWithProgress(docker: Docker, image: string, auth?: RegistryAuthConfig): Promise<void>;
/** Starts a created container, waits for it to exit and returns its status and output. */
export declare function runUntilExit(docker: Docker, id: string): Promise<{
    statusCode: number;
    output: string;
}>;
