/** Which images a job daemon drops to fit the per-volume budget, pure: least recently used first. */
import type { ImageSummary } from '../ports.js';
import { selectEvictions } from './lease.js';

/**
 * The ordering key of an image's last use: the later of its creation and its last tagging. Docker
 * records no last-use time for images (moby/moby#4237); a build, tag or import is the last sign of a
 * job wanting the image that the engine keeps. An image never tagged here ranks by its creation.
 */
export function lastUseOf(image: ImageSummary): number {
  return Math.max(image.created, image.lastTagged ?? 0);
}

/** A container uses it; a stopped one may start again, so it counts (as for `docker image prune`). */
function inUse(image: ImageSummary): boolean {
  // Not counted: the engine did not say, so it is kept.
  return image.containers === undefined || image.containers > 0;
}

const knownSharedSize = (image: ImageSummary) =>
  image.sharedSize !== undefined && image.sharedSize >= 0 ? image.sharedSize : undefined;

/**
 * Bytes removing the image frees while the images sharing its layers stay: its unique size. The
 * whole size when the engine did not compute what it shares.
 */
export function freedBytes(image: ImageSummary): number {
  return image.size - (knownSharedSize(image) ?? 0);
}

/** Whether freedBytes is exactly what removing it frees (it shares no layer, as far as known). */
export function freesExactly(image: ImageSummary): boolean {
  return knownSharedSize(image) === 0;
}

/**
 * Images to remove, least recently used first, until what the daemon holds (heldBytes: its layers
 * and build cache), less what they free, fits the budget; never an image a container uses. The
 * host-wide budget's policy: what no image frees alone (build cache, shared layers) is one more
 * entry, never chosen.
 */
export function selectImageEvictions(
  images: readonly ImageSummary[],
  heldBytes: number,
  budget: number,
): ImageSummary[] {
  const candidates = images.map((image) => ({
    name: image.id,
    size: freedBytes(image),
    lastUsed: lastUseOf(image),
    leased: inUse(image),
  }));
  const rest = heldBytes - candidates.reduce((sum, candidate) => sum + candidate.size, 0);
  const chosen = selectEvictions(
    [...candidates, { name: '', size: rest, lastUsed: 0, leased: true }],
    budget,
  );
  return chosen.map((id) => images.find((image) => image.id === id)!);
}
