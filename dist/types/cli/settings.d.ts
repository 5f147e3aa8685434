/**
 * CLI options that mirror session settings: `--<setting> VALUE` or `--<setting>=VALUE`, each also
 * read from SECURE_DIND_<SETTING> (options win). `--no-cache` is short for `--cache=false`.
 */
import { type SessionConfig } from '../core/config.js';
export interface ParsedArgs {
    readonly config: SessionConfig;
    /** Flags the command declared, e.g. json, verbose. */
    readonly flags: ReadonlySet<string>;
    readonly positionals: readonly string[];
    /** Arguments after "--". */
    readonly rest: readonly string[];
}
/**
 * Parses a command's arguments. Unknown options are bad input; `flags` are the boolean options the
 * command accepts besides the settings.
 */
export declare function parseCommandArgs(args: readonly string[], env: NodeJS.ProcessEnv, flags?: readonly string[], maxPositionals?: number): ParsedArgs;
/** The options part of a command's usage text. */
export declare function settingsUsage(): string;
