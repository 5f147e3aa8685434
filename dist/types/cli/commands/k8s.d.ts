import type { CliCommand } from '../command.js';
export declare const k8sCommand: CliCommand;
