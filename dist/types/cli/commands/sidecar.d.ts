import type { CliCommand } from '../command.js';
export declare const sidecarCommand: CliCommand;
