/**
 * CLI options that mirror session settings: `--<setting> VALUE` or `--<setting>=VALUE`, each also
 * read from SECURE_DIND_<SETTING> (options win). `--no-cache` is short for `--cache=false`.
 */
import { type SessionConfig } from '../core/config.js';
import { type CacheScope } from '../core/generations.js';
import { type OptionValues } from './options.js';
export interface ParsedArgs<F extends string = string> {
    readonly config: SessionConfig;
    /** --cache-scope and --cache-fallback (the CLI's caller decides the scope). */
    readonly cacheScope: CacheScope;
    /** Flags the command declared, e.g. json, verbose. */
    readonly flags: ReadonlySet<F>;
    readonly positionals: readonly string[];
    /** Arguments after "--". */
    readonly rest: readonly string[];
}
/** The command-line options that set session settings. */
export declare const SETTING_OPTIONS: {
    readonly 'no-cache': {
        readonly type: "boolean";
    };
    readonly mtu: {
        readonly type: "string";
    };
    readonly cache: {
        readonly type: "string";
    };
    readonly image: {
        readonly type: "string";
    };
    readonly runtime: {
        readonly type: "string";
    };
    readonly "cache-key": {
        readonly type: "string";
    };
    readonly "cache-max-size": {
        readonly type: "string";
    };
    readonly "cache-total-max-size": {
        readonly type: "string";
    };
    readonly cpus: {
        readonly type: "string";
    };
    readonly memory: {
        readonly type: "string";
    };
    readonly "pids-limit": {
        readonly type: "string";
    };
    readonly "address-pool": {
        readonly type: "string";
    };
    readonly "daemon-config": {
        readonly type: "string";
    };
    readonly "startup-timeout": {
        readonly type: "string";
    };
    readonly "stop-timeout": {
        readonly type: "string";
    };
    readonly deadline: {
        readonly type: "string";
    };
    readonly "engine-host": {
        readonly type: "string";
    };
    readonly "cache-slots": {
        readonly type: "string";
    };
    readonly "registry-mirror": {
        readonly type: "string";
    };
    readonly "cache-store": {
        readonly type: "string";
    };
};
/**
 * Parses a command's arguments. Unknown options are bad input; `flags` are the boolean options the
 * command accepts besides the settings.
 */
export declare function parseCommandArgs<const F extends string>(args: readonly string[], env: NodeJS.ProcessEnv, flags?: readonly F[], maxPositionals?: number): ParsedArgs<F>;
/** Session settings from the environment, overridden by the options given. */
export declare function sessionConfigFrom(options: OptionValues<typeof SETTING_OPTIONS>, env: NodeJS.ProcessEnv): SessionConfig;
/** The options part of a command's usage text. */
export declare function settingsUsage(): string;
