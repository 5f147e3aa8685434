import { describe, expect, it } from 'vitest';
import {
  cacheScope,
  generationName,
  isScopeName,
  parseCheckoutOutput,
  parseCommitOutput,
  scopeDirectory,
} from '../../../src/core/generations.js';

describe('cache scopes', () => {
  it('reads its own scope first, then the fallbacks, each once', () => {
    expect(cacheScope('refs/heads/a', ['refs/heads/main', 'refs/heads/a', 'refs/heads/main'])).toEqual({
      write: 'refs/heads/a',
      read: ['refs/heads/a', 'refs/heads/main'],
    });
  });

  it('accepts ref-like names and refuses what could steer a path or an option', () => {
    for (const name of ['default', 'refs/heads/main', 'refs/pull/12/merge', 'release-1.2@x+y=z'])
      expect(isScopeName(name), name).toBe(true);
    for (const name of ['', '-rf', '../x', ' main', 'a b', 'x'.repeat(300)])
      expect(isScopeName(name), name).toBe(false);
  });

  it('keeps every scope in its own directory under the store, whatever its name', () => {
    const a = scopeDirectory('/store/', 'key', 'refs/heads/main');
    const b = scopeDirectory('/store', 'key', 'refs/heads/feature');
    const c = scopeDirectory('/store', 'other-key', 'refs/heads/main');
    expect(new Set([a, b, c]).size).toBe(3);
    for (const dir of [a, b, c]) expect(dir).toMatch(/^\/store\/k-[0-9a-f]{16}\/s-[0-9a-f]{16}$/);
  });

  it('names generations so that a later commit sorts after an earlier one', () => {
    const early = generationName('aaaaaaaaaaaa', new Date('2026-12-02T09:59:59.999Z'));
    const late = generationName('000000000000', new Date('2026-12-02T10:00:00.000Z'));
    expect(early < late).toBe(true);
    expect(late).toMatch(/^gen-[0-9TZ]+-000000000000$/);
  });
});

describe('helper output', () => {
  it('reads a checkout from a generation, an empty start, and a store that cannot clone', () => {
    expect(
      parseCheckoutOutput('mode=generations\nfrom=/store/k-1/s-2 gen-20261202T100000000Z-abc\n'),
    ).toEqual({
      mode: 'generations',
      fromDirectory: '/store/k-1/s-2',
      generation: 'gen-20261202T100000000Z-abc',
    });
    expect(parseCheckoutOutput('mode=generations\nfrom=\n')).toEqual({
      mode: 'generations',
      fromDirectory: undefined,
      generation: undefined,
    });
    expect(parseCheckoutOutput('mode=slots\nreason=ext2/ext3 cannot clone\n')).toEqual({
      mode: 'slots',
      reason: 'ext2/ext3 cannot clone',
    });
  });

  it('refuses output the scripts do not print', () => {
    expect(parseCheckoutOutput('')).toBeUndefined();
    expect(parseCheckoutOutput('mode=generations\n')).toBeUndefined();
    expect(parseCheckoutOutput('cp: cannot stat')).toBeUndefined();
  });

  it("reads a commit's size in bytes", () => {
    expect(parseCommitOutput('kib=2048\n')).toBe(2 * 1024 * 1024);
    expect(parseCommitOutput('mv: cannot move')).toBeUndefined();
  });
});
