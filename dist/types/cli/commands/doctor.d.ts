import { type HostEdges } from '../../runtime/host.js';
import type { CliCommand } from '../command.js';
export declare function createDoctorCommand(makeEdges?: () => HostEdges): CliCommand;
export declare const doctorCommand: CliCommand;
