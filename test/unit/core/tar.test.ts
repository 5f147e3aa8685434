import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTar } from '../../../src/core/tar.js';

describe('makeTar', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('produces an archive GNU tar extracts with the given contents and modes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
    dirs.push(dir);
    const big = 'x'.repeat(1500);
    const archive = makeTar([
      { path: 'certs/', mode: 0o755 },
      { path: 'certs/server/', mode: 0o700 },
      { path: 'certs/server/key.pem', mode: 0o600, content: 'secret\n' },
      { path: 'certs/server/big.txt', mode: 0o644, content: big },
    ]);
    execFileSync('tar', ['-x', '-C', dir, '-f', '-'], { input: archive });
    expect(readFileSync(join(dir, 'certs/server/key.pem'), 'utf8')).toBe('secret\n');
    expect(readFileSync(join(dir, 'certs/server/big.txt'), 'utf8')).toBe(big);
    expect(statSync(join(dir, 'certs/server/key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'certs/server')).mode & 0o777).toBe(0o700);
  });
});
