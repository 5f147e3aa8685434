import type { Logger } from '../ports.js';
import type { CliCommand, CliIo } from './command.js';
import { type OptionDeclarations, type OptionValues } from './options.js';
export declare function exitStatusFor(error: unknown): number;
export declare function reportError(io: CliIo, error: unknown): number;
export declare function stderrLogger(io: CliIo, verbose: boolean): Logger;
export declare function printJson(io: CliIo, value: unknown): void;
export declare function isVerbose(io: CliIo, flags: ReadonlySet<string>): boolean;
/** A command whose run may throw: errors become the exit status of their kind, in one place. */
export declare function command(definition: CliCommand): CliCommand;
/** A command's own options (not session settings), parsed strictly: anything else is bad input. */
export declare function parseOptions<const O extends OptionDeclarations>(command: string, args: readonly string[], options: O): OptionValues<O>;
