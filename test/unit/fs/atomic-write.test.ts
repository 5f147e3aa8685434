import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/fs/atomic-write.js';

describe('writeFileAtomic', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atomic-write-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces the file with the whole new content, with the mode asked for, leaving nothing beside it', async () => {
    const file = join(dir, 'state.json');
    await writeFile(file, 'old');
    await writeFileAtomic(file, 'new', { mode: 0o600 });
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('lets concurrent writers of one file each finish, the file holding one whole content', async () => {
    const file = join(dir, 'state.json');
    const contents = Array.from({ length: 20 }, (_, i) => `writer ${i} `.repeat(1000));
    await Promise.all(contents.map((content) => writeFileAtomic(file, content)));
    expect(contents).toContain(await readFile(file, 'utf8'));
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('fails when the file cannot be replaced, and removes its temporary file', async () => {
    const target = join(dir, 'a-directory');
    await mkdir(target);
    await expect(writeFileAtomic(target, 'y')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['a-directory']);
  });
});
