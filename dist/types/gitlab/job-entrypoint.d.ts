export declare const JOB_ENTRYPOINT_LABEL = "dev.secure-dind.gitlab.entrypoint";
/** The command of one stage: the recorded entrypoint, then the shell that reads the script. */
export declare function stageCommand(labels: Readonly<Record<string, string>>, shell: readonly string[]): string[];
