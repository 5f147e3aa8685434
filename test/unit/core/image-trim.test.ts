import { describe, expect, it } from 'vitest';
import { freedBytes, lastUseOf, selectImageEvictions } from '../../../src/core/image-trim.js';
import type { ImageSummary } from '../../../src/ports.js';

const MB = 1_000_000;

function image(tag: string, size: number, when: number, more: Partial<ImageSummary> = {}): ImageSummary {
  return {
    id: `sha256:${tag}`,
    repoTags: [tag],
    size,
    sharedSize: 0,
    created: when,
    lastTagged: undefined,
    containers: 0,
    ...more,
  };
}

const tagsOf = (images: readonly ImageSummary[]) => images.map((i) => i.repoTags[0]);
const heldBy = (images: readonly ImageSummary[], buildCache = 0) =>
  images.reduce((sum, i) => sum + freedBytes(i), buildCache);

describe('selectImageEvictions', () => {
  const images = [image('newest', 2 * MB, 300), image('oldest', 50 * MB, 100), image('middle', 40 * MB, 200)];

  it('removes the least recently used first and stops as soon as the rest fits', () => {
    const held = heldBy(images);
    expect(tagsOf(selectImageEvictions(images, held, 60 * MB))).toEqual(['oldest']);
    expect(tagsOf(selectImageEvictions(images, held, 10 * MB))).toEqual(['oldest', 'middle']);
    expect(tagsOf(selectImageEvictions(images, held, 0))).toEqual(['oldest', 'middle', 'newest']);
    expect(selectImageEvictions(images, held, held)).toEqual([]);
  });

  it('counts the build cache the daemon still holds, which no image removal frees', () => {
    expect(tagsOf(selectImageEvictions(images, heldBy(images, 20 * MB), 60 * MB))).toEqual([
      'oldest',
      'middle',
    ]);
  });

  it('never removes an image a container uses (or one whose containers were not counted)', () => {
    const inUse = [
      image('old-in-use', 50 * MB, 1, { containers: 1 }),
      image('uncounted', 50 * MB, 2, { containers: undefined }),
      image('idle', 5 * MB, 3),
    ];
    expect(tagsOf(selectImageEvictions(inUse, heldBy(inUse), 10 * MB))).toEqual(['idle']);
  });

  it('counts only the unique bytes of an image that shares layers with others', () => {
    // "app" and "tool" share a 30 MB base: removing "app" frees its 10 MB alone.
    const shared = [
      image('app', 40 * MB, 100, { sharedSize: 30 * MB }),
      image('tool', 35 * MB, 200, { sharedSize: 30 * MB }),
      image('solo', 8 * MB, 300),
    ];
    const held = 30 * MB + 10 * MB + 5 * MB + 8 * MB;
    expect(tagsOf(selectImageEvictions(shared, held, 45 * MB))).toEqual(['app']);
    expect(tagsOf(selectImageEvictions(shared, held, 40 * MB))).toEqual(['app', 'tool']);
    // Not computed (-1 from the engine becomes undefined): the whole size is what it frees.
    expect(freedBytes(image('unknown', 7 * MB, 1, { sharedSize: undefined }))).toBe(7 * MB);
  });
});

describe('lastUseOf', () => {
  it('is the later of creation and the last tagging here (Docker keeps no last-use time)', () => {
    expect(lastUseOf(image('pulled', 1, 1000))).toBe(1000);
    expect(lastUseOf(image('retagged', 1, 1000, { lastTagged: 5000 }))).toBe(5000);
    expect(lastUseOf(image('odd-clock', 1, 9000, { lastTagged: 5000 }))).toBe(9000);
  });

  it('orders the trim: an old image tagged recently outlives a newer one never tagged', () => {
    const images = [
      image('new-pull', 10 * MB, 2000),
      image('old-but-retagged', 10 * MB, 1000, { lastTagged: 3000 }),
    ];
    expect(tagsOf(selectImageEvictions(images, 20 * MB, 10 * MB))).toEqual(['new-pull']);
  });
});
