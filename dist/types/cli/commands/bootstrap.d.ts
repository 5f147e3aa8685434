import { type CommandRunner, type RuntimeEdges } from '../../runtime/host.js';
import type { CliCommand } from '../command.js';
/** How the command gets root. Pure. */
export type Privilege = {
    readonly kind: 'root';
} | {
    readonly kind: 'sudo';
} | {
    readonly kind: 'instruct';
    readonly command: string;
};
export declare function choosePrivilege(uid: number, sudoWithoutPassword: boolean, commandLine: readonly string[]): Privilege;
export interface BootstrapDeps {
    readonly edges: () => RuntimeEdges;
    readonly uid: () => number;
    readonly runner: CommandRunner;
    /** Re-runs this process's command line under `sudo -n`; returns its exit status. */
    readonly reexecWithSudo: (args: readonly string[]) => Promise<number>;
}
export declare function createBootstrapCommand(deps?: Partial<BootstrapDeps>): CliCommand;
export declare const bootstrapCommand: CliCommand;
