/**
 * CI_DEBUG_SERVICES=true: the services' own output in the job log, each line prefixed with
 * "[service:ALIASES] " as the Docker executor does. Each stage process (prepare, run) streams what
 * the services print while it runs; the labels on the service containers say which they are.
 */
import { parseBoolean } from '../core/units.js';
import { LABEL_PREFIX, LABELS, OWNER } from '../core/names.js';
import type { EnginePort } from '../ports.js';
import type { JobContext } from './job.js';

/** Label on a plain service container: its hostnames joined with "-" (the log prefix). */
export const SERVICE_NAME_LABEL = `${LABEL_PREFIX}.gitlab.service`;

export function debugServicesEnabled(variables: Readonly<Record<string, string>>): boolean {
  return parseBoolean(variables.CI_DEBUG_SERVICES ?? '') === true;
}

/** Splits chunks into lines and prefixes each; a partial last line waits for its end. */
export function linePrefixer(
  prefix: string,
  write: (text: string) => void,
): { push(chunk: Buffer): void; flush(): void } {
  let pending = '';
  return {
    push(chunk) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop()!;
      for (const line of lines) write(`${prefix}${line.replace(/\r$/, '')}\n`);
    },
    flush() {
      if (pending !== '') write(`${prefix}${pending}\n`);
      pending = '';
    },
  };
}

/**
 * Streams the output of the job's plain services from `since` to `out` until the returned stop
 * function is called (it resolves once the streams are closed). A no-op unless the job asked.
 */
export async function streamServiceLogs(
  engine: EnginePort,
  context: JobContext,
  since: Date,
  out: NodeJS.WritableStream,
): Promise<() => Promise<void>> {
  if (!debugServicesEnabled(context.variables)) return async () => undefined;
  const controller = new AbortController();
  const containers = await engine
    .listContainers({ [LABELS.owner]: OWNER, [LABELS.job]: context.label, [SERVICE_NAME_LABEL]: undefined })
    .catch(() => []);
  const streams = containers.map((container) => {
    const prefixer = linePrefixer(`[service:${container.labels[SERVICE_NAME_LABEL]}] `, (text) =>
      out.write(text),
    );
    return engine
      .followLogs(container.name, since, (chunk) => prefixer.push(chunk), controller.signal)
      .catch(() => undefined)
      .finally(() => prefixer.flush());
  });
  return async () => {
    // Lines the engine has not delivered yet would be cut off; a moment lets them arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await Promise.all(streams);
  };
}
