#!/usr/bin/env node
/** The secure-dind command: dispatches to the subcommands. */
import type { CliIo } from './command.js';
export declare function main(argv: readonly string[], io: CliIo): Promise<number>;
