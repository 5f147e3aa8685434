/**
 * The job image's entrypoint, as the Docker executor runs it: every script of the job container
 * starts as the entrypoint's arguments (`ENTRYPOINT... sh -c ...`), so an entrypoint that sets up
 * the environment and then runs `exec "$@"` wraps each stage. Prepare records the effective
 * entrypoint (the job's `image:entrypoint` or the image's own) in a label of the job container.
 */
import { LABEL_PREFIX } from '../core/names.js';

export const JOB_ENTRYPOINT_LABEL = `${LABEL_PREFIX}.gitlab.entrypoint`;

/** The command of one stage: the recorded entrypoint, then the shell that reads the script. */
export function stageCommand(labels: Readonly<Record<string, string>>, shell: readonly string[]): string[] {
  let entrypoint: unknown = [];
  try {
    entrypoint = JSON.parse(labels[JOB_ENTRYPOINT_LABEL] ?? '[]');
  } catch {
    entrypoint = [];
  }
  const parts =
    Array.isArray(entrypoint) && entrypoint.every((part) => typeof part === 'string') ? entrypoint : [];
  return [...(parts as string[]), ...shell];
}
