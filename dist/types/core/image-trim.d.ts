/** Which images a job daemon drops to fit the per-volume budget, pure: least recently used first. */
import type { ImageSummary } from '../ports.js';
/**
 * The ordering key of an image's last use: the later of its creation and its last tagging. Docker
 * records no last-use time for images (moby/moby#4237); a build, tag or import is the last sign of a
 * job wanting the image that the engine keeps. An image never tagged here ranks by its creation.
 */
export declare function lastUseOf(image: ImageSummary): number;
/**
 * Bytes removing the image frees while the images sharing its layers stay: its unique size. The
 * whole size when the engine did not compute what it shares.
 */
export declare function freedBytes(image: ImageSummary): number;
/** Whether freedBytes is exactly what removing it frees (it shares no layer, as far as known). */
export declare function freesExactly(image: ImageSummary): boolean;
/**
 * Images to remove, least recently used first, until what the daemon holds (heldBytes: its layers
 * and build cache), less what they free, fits the budget; never an image a container uses. The
 * host-wide budget's policy: what no image frees alone (build cache, shared layers) is one more
 * entry, never chosen.
 */
export declare function selectImageEvictions(images: readonly ImageSummary[], heldBytes: number, budget: number): ImageSummary[];
