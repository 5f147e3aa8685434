import type { Logger } from '../session/types.js';
import type { CliCommand, CliIo } from './command.js';
export declare function exitStatusFor(error: unknown): number;
export declare function reportError(io: CliIo, error: unknown): number;
export declare function stderrLogger(io: CliIo, verbose: boolean): Logger;
export declare function printJson(io: CliIo, value: unknown): void;
export declare function isVerbose(io: CliIo, flags: ReadonlySet<string>): boolean;
/** A command whose run may throw: errors become the exit status of their kind, in one place. */
export declare function command(definition: CliCommand): CliCommand;
