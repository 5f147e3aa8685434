/**
 * What the Action's logic needs from the runner, as an interface with one real implementation over
 * @actions/core and @actions/exec. Logic modules take an ActionIo, so tests hand them a recording
 * one instead of mocking modules.
 */
import * as core from '@actions/core';
import * as exec from '@actions/exec';

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
export const runnerIo: ActionIo = {
  getInput: (name) => core.getInput(name),
  setOutput: (name, value) => core.setOutput(name, value),
  exportVariable: (name, value) => core.exportVariable(name, value),
  saveState: (name, value) => core.saveState(name, value),
  getState: (name) => core.getState(name),
  appendSummary: async (markdown) => {
    await core.summary.addRaw(markdown, true).write();
    core.summary.emptyBuffer();
  },
  startGroup: (title) => core.startGroup(title),
  endGroup: () => core.endGroup(),
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  setFailed: (message) => core.setFailed(message),
  exec: async (program, args, env) => {
    const result = await exec.getExecOutput(program, [...args], {
      ignoreReturnCode: true,
      silent: true,
      ...(env ? { env: { ...stringEnv(process.env), ...env } } : {}),
    });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  },
};

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
