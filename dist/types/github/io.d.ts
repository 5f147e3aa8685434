export interface ExecResult {
    readonly exitCode: number;
    readonly stdout: string;
    readonly stderr: string;
}
export interface ActionIo {
    /** An input as @actions/core reads it: INPUT_<NAME>, trimmed, '' when unset. */
    getInput(name: string): string;
    setOutput(name: string, value: string): void;
    /** For this step's process and every later step of the job. */
    exportVariable(name: string, value: string): void;
    /** Kept for the post step (which reads it back with getState). */
    saveState(name: string, value: string): void;
    getState(name: string): string;
    /** Appends Markdown to the job summary. */
    appendSummary(markdown: string): Promise<void>;
    startGroup(title: string): void;
    endGroup(): void;
    debug(message: string): void;
    info(message: string): void;
    warning(message: string): void;
    setFailed(message: string): void;
    /** Runs a program without a shell; never throws for a non-zero exit status. */
    exec(program: string, args: readonly string[], env?: Readonly<Record<string, string>>): Promise<ExecResult>;
}
/** The runner's ActionIo. */
export declare const runnerIo: ActionIo;
