import { type EnginePort } from '../ports.js';
import { type Downloader } from './download.js';
export interface CommandResult {
    readonly exitCode: number;
    readonly stdout: string;
    readonly stderr: string;
}
export interface CommandOptions {
    readonly env?: Readonly<Record<string, string>>;
    readonly timeoutMs?: number;
}
/** Runs a program. Never throws for a non-zero exit; a missing program gives exit code 127. */
export interface CommandRunner {
    run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}
export declare function createLocalRunner(): CommandRunner;
/** Host files under a root directory ("/" on a real host, a temporary directory in tests). */
export interface HostFiles {
    /** The real path of an absolute host path. */
    resolve(path: string): string;
    read(path: string): Promise<string | undefined>;
    write(path: string, text: string, mode?: number): Promise<void>;
    exists(path: string): Promise<boolean>;
    remove(path: string): Promise<void>;
}
export declare function createHostFiles(root?: string): HostFiles;
/** What reading the host's facts needs. */
export interface HostEdges {
    readonly runner: CommandRunner;
    readonly files: HostFiles;
    readonly engine: EnginePort;
}
/** What installing Sysbox needs besides. */
export interface RuntimeEdges extends HostEdges {
    readonly downloader: Downloader;
}
export interface LocalEdgesOptions {
    /** The engine sessions run on (default: the local socket). */
    readonly engineHost?: string | undefined;
    /** Where download progress goes (drawn only on a terminal). */
    readonly progress?: NodeJS.WritableStream;
}
/** This host's edges: its programs, its files from /, its engine. */
export declare function localEdges(options?: LocalEdgesOptions): RuntimeEdges;
