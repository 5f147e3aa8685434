/**
 * A real filesystem of a given kind, made for a test: a sparse image file, mkfs, mounted through a
 * loop device (root on the engine's host; mkfs.xfs and mkfs.btrfs from Debian's xfsprogs and
 * btrfs-progs). `release` unmounts and deletes it.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type LoopFsKind = 'xfs' | 'btrfs' | 'ext4';

const MKFS: Record<LoopFsKind, string[]> = {
  xfs: ['mkfs.xfs', '-q', '-f'],
  btrfs: ['mkfs.btrfs', '-q', '-f'],
  ext4: ['mkfs.ext4', '-q', '-F'],
};

export interface LoopFs {
  /** The mount point. */
  readonly dir: string;
  release(): Promise<void>;
}

export async function mountLoopFs(kind: LoopFsKind, sizeMiB = 1024): Promise<LoopFs> {
  const base = await mkdtemp(join(tmpdir(), `sd-test-${kind}-`));
  const image = join(base, 'fs.img');
  const dir = join(base, 'mnt');
  await mkdir(dir);
  await run('truncate', ['-s', `${sizeMiB}M`, image]);
  const [mkfs, ...args] = MKFS[kind];
  await run(mkfs!, [...args, image]);
  await run('mount', ['-o', 'loop', image, dir]);
  return {
    dir,
    release: async () => {
      await run('umount', ['-l', dir]).catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    },
  };
}
