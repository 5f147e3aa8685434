/**
 * The edges the runtime code acts through: a command runner, a file system under a configurable
 * root, the engine port and a downloader. localEdges is the one place that connects them to this
 * host. Tests hand in their own (a runner that runs inside a throwaway container, a temporary root).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile, access } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DockerEngine } from '../engine/docker.js';
import { DEFAULT_ENGINE_HOST, type EnginePort } from '../ports.js';
import { type Downloader, createDownloader } from './download.js';

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
export function localEdges(options: LocalEdgesOptions = {}): RuntimeEdges {
  return {
    runner: createLocalRunner(),
    files: createHostFiles('/'),
    engine: new DockerEngine(options.engineHost ?? DEFAULT_ENGINE_HOST),
    downloader: createDownloader({ progress: options.progress }),
  };
}
