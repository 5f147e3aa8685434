/** The sidecar image: runner-image plus Node and the secure-dind bundle (see sidecar-image/). */
import { VERSION } from '../version.js';

export const DEFAULT_SIDECAR_IMAGE = `secure-dind/sidecar:${VERSION}`;
