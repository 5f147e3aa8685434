import { type Checkout, type GenerationPlace } from './generations.js';
import type { LaunchContext } from './launch-context.js';
/** Where this launch's generations live; undefined when caching is off or the store is. */
export declare function generationPlace(context: LaunchContext): GenerationPlace | undefined;
export declare function startFromGeneration(context: LaunchContext, place: GenerationPlace): Promise<Checkout>;
