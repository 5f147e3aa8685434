/**
 * Replaces a file in one step: a reader (another process, or this one after a crash) sees the old
 * content or the new, never a part. The temporary file is unique, so concurrent writers of the same
 * file do not write into each other's, and beside the target, so that the rename stays on one
 * filesystem.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

export interface AtomicWriteOptions {
  /** Permissions of a newly created file (the process umask applies). */
  readonly mode?: number;
}

export async function writeFileAtomic(
  path: string,
  content: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, { mode: options.mode });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
