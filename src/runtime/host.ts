/**
 * The edges the runtime code acts through, each an interface with one real implementation here:
 * a command runner, a file system under a configurable root, a downloader and a Docker probe.
 * Tests hand in their own (a runner that runs inside a throwaway container, a temporary root).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile, access } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

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

export function createLocalRunner(): CommandRunner {
  return {
    run(argv, options = {}) {
      const [program, ...args] = argv;
      if (program === undefined) throw new Error('empty command');
      return new Promise((done) => {
        execFile(
          program,
          args,
          {
            env: { ...process.env, ...options.env },
            timeout: options.timeoutMs ?? 15 * 60_000,
            maxBuffer: 32 * 1024 * 1024,
            encoding: 'utf8',
          },
          (error, stdout, stderr) => {
            if (error === null) return done({ exitCode: 0, stdout, stderr });
            const code = (error as { code?: unknown }).code;
            const exitCode = typeof code === 'number' ? code : code === 'ENOENT' ? 127 : 1;
            done({ exitCode, stdout, stderr: stderr || error.message });
          },
        );
      });
    },
  };
}

/** Host files under a root directory ("/" on a real host, a temporary directory in tests). */
export interface HostFiles {
  /** The real path of an absolute host path. */
  resolve(path: string): string;
  read(path: string): Promise<string | undefined>;
  write(path: string, text: string, mode?: number): Promise<void>;
  exists(path: string): Promise<boolean>;
  remove(path: string): Promise<void>;
}

export function createHostFiles(root = '/'): HostFiles {
  const base = resolve(root);
  const real = (path: string) => {
    if (!isAbsolute(path)) throw new Error(`host path must be absolute: ${path}`);
    return base === '/' ? path : join(base, path);
  };
  return {
    resolve: real,
    async read(path) {
      try {
        return await readFile(real(path), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(path, text, mode = 0o644) {
      await mkdir(dirname(real(path)), { recursive: true });
      await writeFile(real(path), text, { mode });
    },
    async exists(path) {
      try {
        await access(real(path));
        return true;
      } catch {
        return false;
      }
    },
    async remove(path) {
      await rm(real(path), { force: true });
    },
  };
}

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
