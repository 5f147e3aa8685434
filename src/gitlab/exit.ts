/**
 * The one place where the GitLab driver turns outcomes into exit codes. GitLab Runner's custom
 * executor knows only three: 0, BUILD_FAILURE_EXIT_CODE and SYSTEM_FAILURE_EXIT_CODE, both given
 * in the driver's environment ("use them instead of hard-coded values, they can change in any
 * release"). A failing user script also leaves its own exit code in BUILD_EXIT_CODE_FILE, which
 * the runner reads for allow_failure:exit_codes (the file holds only the integer).
 */
import { writeFile } from 'node:fs/promises';
import { errorKind } from '../core/errors.js';

export interface FailureCodes {
  /** The user's job failed (its script, its image, its services settings). */
  readonly build: number;
  /** Infrastructure failed (engine, runtime, DinD not ready, driver settings): the runner retries prepare. */
  readonly system: number;
}

/**
 * Status used only when the driver is run without GitLab Runner's variables (by hand, in a
 * terminal): it is no GitLab code, so the runner would report it as an unknown exit code.
 */
export const OUTSIDE_RUNNER_FAILURE = 1;

function code(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,3}$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return value >= 1 && value <= 255 ? value : undefined;
}

/** The codes as the runner gave them in the environment. */
export function failureCodes(env: NodeJS.ProcessEnv): FailureCodes {
  return {
    build: code(env.BUILD_FAILURE_EXIT_CODE) ?? OUTSIDE_RUNNER_FAILURE,
    system: code(env.SYSTEM_FAILURE_EXIT_CODE) ?? OUTSIDE_RUNNER_FAILURE,
  };
}

/** What went wrong, as the runner distinguishes it. */
export type Outcome =
  | { readonly kind: 'success' }
  /** The user's script exited non-zero with this status. */
  | { readonly kind: 'script-failed'; readonly exitCode: number }
  /** The runner stopped the stage (job cancelled or timed out): its processes were stopped. */
  | { readonly kind: 'interrupted' }
  /** Anything thrown: its error kind decides. */
  | { readonly kind: 'error'; readonly error: unknown };

/**
 * Exit status for an outcome: job and bad-input errors (the job's own settings) are build
 * failures; system errors and anything unexpected are system failures.
 */
export function exitCodeFor(outcome: Outcome, codes: FailureCodes): number {
  switch (outcome.kind) {
    case 'success':
      return 0;
    case 'script-failed':
    case 'interrupted':
      return codes.build;
    case 'error':
      return errorKind(outcome.error) === 'system' ? codes.system : codes.build;
  }
}

/** Records a failed script's own status where the runner looks for it (when it asks). */
export async function recordBuildExitCode(env: NodeJS.ProcessEnv, exitCode: number): Promise<void> {
  const file = env.BUILD_EXIT_CODE_FILE;
  if (!file) return;
  await writeFile(file, `${exitCode}\n`);
}
