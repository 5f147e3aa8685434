/**
 * Real filesystems of a given kind, made by a test or the benchmark: a sparse image file under a
 * scratch directory, mkfs, mounted through a loop device (root on the engine's host, which sees the
 * same mounts). `release` unmounts and deletes; the bench's sweep unmounts whatever a crash or
 * Ctrl-C left under its scratch directory, so no loop device outlives the run.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type LoopFsKind = 'btrfs' | 'xfs' | 'ext4';

/** The mkfs of each kind, quiet and over any old signature, and the Debian package that has it. */
const MKFS: Record<LoopFsKind, { readonly command: readonly string[]; readonly debianPackage: string }> = {
  btrfs: { command: ['mkfs.btrfs', '-q', '-f'], debianPackage: 'btrfs-progs' },
  xfs: { command: ['mkfs.xfs', '-q', '-f'], debianPackage: 'xfsprogs' },
  ext4: { command: ['mkfs.ext4', '-q', '-F'], debianPackage: 'e2fsprogs' },
};

export interface LoopFs {
  readonly kind: LoopFsKind;
  /** The mount point. */
  readonly dir: string;
  /** Bytes in use, as df counts them (call `sync` first for a settled figure). */
  usedBytes(): Promise<number>;
  /** syncfs: written data reaches the filesystem, so what follows is not charged for its writeback. */
  sync(): Promise<void>;
  release(): Promise<void>;
}

/** Why this kind cannot be made here (its mkfs is not installed), with the fix; undefined when it can. */
export async function missingMkfs(kind: LoopFsKind): Promise<string | undefined> {
  const { command, debianPackage } = MKFS[kind];
  const found = await execFileAsync('sh', ['-c', 'command -v "$1"', 'sh', command[0]!]).then(
    () => true,
    () => false,
  );
  return found
    ? undefined
    : `${command[0]} is not installed (Debian package ${debianPackage}: apt-get install ${debianPackage}, or run sudo bash test/support/dev-engine.sh)`;
}

async function unmount(dir: string): Promise<void> {
  // A lazy unmount still detaches a mount something still holds busy.
  await execFileAsync('umount', [dir]).catch(() => execFileAsync('umount', ['-l', dir]));
}

/** Makes and mounts a filesystem of `sizeMiB` (sparse: only what is written takes host disk) under `parent`. */
export async function mountLoopFs(parent: string, kind: LoopFsKind, sizeMiB: number): Promise<LoopFs> {
  const missing = await missingMkfs(kind);
  if (missing) throw new Error(missing);
  const base = await mkdtemp(join(parent, `loop-${kind}-`));
  const image = join(base, 'fs.img');
  const dir = join(base, 'mnt');
  let mounted = false;
  try {
    await mkdir(dir);
    await execFileAsync('truncate', ['-s', `${sizeMiB}M`, image]);
    const [mkfs, ...args] = MKFS[kind].command;
    await execFileAsync(mkfs!, [...args, image]);
    await execFileAsync('mount', ['-o', 'loop', image, dir]);
    mounted = true;
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    throw error;
  }
  return {
    kind,
    dir,
    usedBytes: async () => {
      const stats = await statfs(dir);
      return (stats.blocks - stats.bfree) * stats.bsize;
    },
    sync: async () => {
      await execFileAsync('sync', ['-f', dir]);
    },
    release: async () => {
      if (mounted) await unmount(dir);
      mounted = false;
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Unmounts every mount under `parent` (deepest first); returns the mount points. Never throws. */
export async function unmountAllUnder(parent: string): Promise<string[]> {
  const table = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const points = table
    .split('\n')
    // Mount points are octal-escaped in the table (a space is \040).
    .map((line) =>
      (line.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, code: string) =>
        String.fromCharCode(parseInt(code, 8)),
      ),
    )
    .filter((point) => point.startsWith(`${parent}/`))
    .sort((a, b) => b.length - a.length);
  const unmounted: string[] = [];
  for (const point of points) {
    await unmount(point).then(
      () => unmounted.push(point),
      () => undefined,
    );
  }
  return unmounted;
}
