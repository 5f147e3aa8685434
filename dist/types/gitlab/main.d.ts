/** The streams and environment the runner gives a stage process. */
export interface DriverIo {
    readonly stdout: NodeJS.WritableStream;
    readonly stderr: NodeJS.WritableStream;
    readonly env: NodeJS.ProcessEnv;
}
/** Runs one stage as the runner called it; resolves to the process's exit status. */
export declare function runDriver(argv: readonly string[], io: DriverIo): Promise<number>;
