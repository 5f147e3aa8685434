/** CLI plumbing shared by the commands: a stderr logger, error-to-exit-status mapping, JSON output. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Logger } from '../session/types.js';
import type { CliCommand, CliIo } from './command.js';
export declare function exitStatusFor(error: unknown): number;
export declare function reportError(io: CliIo, error: unknown): number;
export declare function stderrLogger(io: CliIo, verbose: boolean): Logger;
export declare function printJson(io: CliIo, value: unknown): void;
export declare function isVerbose(io: CliIo, flags: ReadonlySet<string>): boolean;
/** A command whose run may throw: errors become the exit status of their kind, in one place. */
export declare function command(definition: CliCommand): CliCommand;
/** A command's own options (not session settings), parsed strictly: anything else is bad input. */
type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type ParsedOptions<O extends OptionsConfig> = ReturnType<typeof parseArgs<{
    args: string[];
    options: O;
    strict: true;
    allowPositionals: false;
}>>['values'];
export declare function parseOptions<const O extends OptionsConfig>(command: string, args: readonly string[], options: O): ParsedOptions<O>;
export {};
