import type { CliCommand } from '../command.js';
export declare const upCommand: CliCommand;
export declare const downCommand: CliCommand;
export declare const runCommand: CliCommand;
export declare const lsCommand: CliCommand;
export declare const gcCommand: CliCommand;
