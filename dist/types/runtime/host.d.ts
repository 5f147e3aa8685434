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
export interface DownloadResult {
    readonly bytes: number;
    /** Lower-case hex sha256 of what was written. */
    readonly sha256: string;
}
/** Fetches a URL into a file (a real path), computing its sha256 on the way. */
export interface Downloader {
    download(url: string, destination: string): Promise<DownloadResult>;
}
export interface ContainerSummary {
    readonly id: string;
    readonly name: string;
    readonly running: boolean;
    /** The OCI runtime the container was created with. */
    readonly runtime: string | undefined;
}
/** Reads from the Docker engine the runtime code needs (implemented in probe.ts). */
export interface DockerProbe {
    /** The raw /info object (parse it with parseDockerInfo). */
    info(): Promise<unknown>;
    containers(): Promise<ContainerSummary[]>;
    /** docker0's address in bip form ("172.17.0.1/16"), when the default bridge exists. */
    bridgeAddress(): Promise<string | undefined>;
    /** Runs `cat /proc/self/uid_map` in a throwaway container under `runtime`, removes it, returns the output. */
    smokeUidMap(runtime: string, image: string): Promise<string>;
}
