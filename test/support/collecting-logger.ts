import type { Logger } from '../../src/ports.js';

/** A logger that keeps its lines as the CLI prints them (warnings prefixed), for assertions. */
export function collectingLogger(lines: string[]): Logger {
  return {
    debug: () => undefined,
    info: (line) => lines.push(line),
    warn: (line) => lines.push(`warning: ${line}`),
  };
}
