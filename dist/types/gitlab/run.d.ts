import type { EnginePort, Logger } from '../ports.js';
import type { Outcome } from './exit.js';
import type { JobContext } from './job.js';
/** Stages GitLab documents as needing gitlab-runner or git: they run in the helper container. */
export declare const HELPER_STAGES: ReadonlySet<string>;
export type StageLocation = 'helper' | 'job';
/** build_script, step_script, step_*, after_script and unknown stages: the job container. */
export declare function stageLocation(stage: string): StageLocation;
/** Reads the script from stdin with bash when the image has it, else sh (as GitLab's Docker executor). */
export declare const CONTAINER_SHELL: string[];
/** Signals every process of the container but its PID 1 (kill -1 spares init and the caller). */
export declare const signalAllCommand: (signal: "TERM" | "KILL") => string[];
export interface RunDependencies {
    readonly engine: EnginePort;
    readonly log: Logger;
    readonly signal: AbortSignal;
    readonly stdout: NodeJS.WritableStream;
    readonly stderr: NodeJS.WritableStream;
    /** How long stopped processes get after SIGTERM before SIGKILL. */
    readonly graceMs?: number;
}
export declare function runStage(context: JobContext, scriptPath: string, stage: string, deps: RunDependencies): Promise<Outcome>;
