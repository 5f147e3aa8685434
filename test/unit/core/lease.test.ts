import { describe, expect, it } from 'vitest';
import { selectEvictions } from '../../../src/core/lease.js';
import { cacheVolumeName, daemonContainerName, isPastDeadline, LABELS } from '../../../src/core/names.js';

const GiB = 1024 ** 3;

describe('selectEvictions', () => {
  it('removes least recently used unleased volumes until the total fits', () => {
    const volumes = [
      { name: 'newest', size: 4 * GiB, lastUsed: 300, leased: false },
      { name: 'oldest', size: 4 * GiB, lastUsed: 100, leased: false },
      { name: 'middle', size: 4 * GiB, lastUsed: 200, leased: false },
    ];
    expect(selectEvictions(volumes, 8 * GiB)).toEqual(['oldest']);
    expect(selectEvictions(volumes, 4 * GiB)).toEqual(['oldest', 'middle']);
    expect(selectEvictions(volumes, 12 * GiB)).toEqual([]);
  });

  it('never evicts a leased volume, even when the budget cannot be met', () => {
    const volumes = [
      { name: 'in-use-old', size: 10 * GiB, lastUsed: 1, leased: true },
      { name: 'idle', size: 1 * GiB, lastUsed: 50, leased: false },
    ];
    expect(selectEvictions(volumes, 2 * GiB)).toEqual(['idle']);
  });
});

describe('cache slot names', () => {
  it('give each slot of a key its own container name (the lease) and volume', () => {
    const names = [0, 1, 2].map((slot) => daemonContainerName('gh:org/repo', slot));
    expect(new Set(names).size).toBe(3);
    expect(cacheVolumeName('gh:org/repo', 0)).not.toBe(cacheVolumeName('gh:org/repo', 1));
  });

  it('keep different keys apart and are valid Docker names whatever the key holds', () => {
    const a = daemonContainerName('gh:org/repo', 0);
    const b = daemonContainerName('gh-fork:someone/repo:org/repo', 0);
    expect(a).not.toBe(b);
    for (const name of [a, b, cacheVolumeName('k@y/with:odd=chars+', 3)]) {
      expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
    }
  });
});

describe('isPastDeadline', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it.each([
    [{ [LABELS.deadline]: '2026-01-01T11:59:59Z' }, true],
    [{ [LABELS.deadline]: '2026-01-01T12:00:01Z' }, false],
    [{ [LABELS.deadline]: 'garbage' }, false],
    [{}, false],
    [undefined, false],
  ])('%j -> %s', (labels, expected) => {
    expect(isPastDeadline(labels, now)).toBe(expected);
  });
});
