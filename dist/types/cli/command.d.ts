/** The shape of a CLI subcommand: each lives in its own module under src/cli/commands/. */
export interface CliCommand {
    readonly name: string;
    /** One line for `secure-dind --help`. */
    readonly summary: string;
    /** Full usage text for `secure-dind NAME --help`. */
    readonly usage: string;
    /** Runs with the arguments after the command name; returns the exit status. */
    run(args: readonly string[], io: CliIo): Promise<number>;
}
export interface CliIo {
    readonly stdout: NodeJS.WritableStream;
    readonly stderr: NodeJS.WritableStream;
    readonly env: NodeJS.ProcessEnv;
}
