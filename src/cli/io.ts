/** CLI plumbing shared by the commands: a stderr logger, error-to-exit-status mapping, JSON output. */
import { type ErrorKind, JobFailure, describeError, errorKind } from '../core/errors.js';
import type { Logger } from '../ports.js';
import type { CliCommand, CliIo } from './command.js';
import { type OptionDeclarations, type OptionValues, parseCommandLine } from './options.js';

/** Exit status for each error kind; a job failure exits with the job's own status. */
const EXIT_STATUS: Record<ErrorKind, number> = { 'bad-input': 2, system: 1, job: 1, 'not-found': 3 };

export function exitStatusFor(error: unknown): number {
  return error instanceof JobFailure ? error.exitCode : EXIT_STATUS[errorKind(error)];
}

export function reportError(io: CliIo, error: unknown): number {
  io.stderr.write(`secure-dind: ${describeError(error)}\n`);
  return exitStatusFor(error);
}

export function stderrLogger(io: CliIo, verbose: boolean): Logger {
  return {
    debug: (message) => {
      if (verbose) io.stderr.write(`debug: ${message}\n`);
    },
    info: (message) => io.stderr.write(`${message}\n`),
    warn: (message) => io.stderr.write(`warning: ${message}\n`),
  };
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function isVerbose(io: CliIo, flags: ReadonlySet<string>): boolean {
  return flags.has('verbose') || io.env.SECURE_DIND_DEBUG === '1';
}

/** A command whose run may throw: errors become the exit status of their kind, in one place. */
export function command(definition: CliCommand): CliCommand {
  return {
    ...definition,
    async run(args, io) {
      try {
        return await definition.run(args, io);
      } catch (error) {
        return reportError(io, error);
      }
    },
  };
}

/** A command's own options (not session settings), parsed strictly: anything else is bad input. */
export function parseOptions<const O extends OptionDeclarations>(
  command: string,
  args: readonly string[],
  options: O,
): OptionValues<O> {
  return parseCommandLine(args, options, { help: `secure-dind ${command} --help` }).values;
}
