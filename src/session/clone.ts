/**
 * The launch step that decides the cache mode and, in generations mode, makes the session's clone:
 * a store known (within the hour) not to clone is not tried again; a store this process cannot
 * work on, one that cannot clone, or a clone that fails leaves the session on cache slots, with
 * the reason, and the job still runs.
 */
import { DEFAULT_SCOPE, cacheScope } from '../core/generations.js';
import { describeError } from '../core/errors.js';
import {
  type Checkout,
  type GenerationPlace,
  checkoutGeneration,
  discardGeneration,
  knownUnclonable,
  noteGenerationUse,
  noteUnclonable,
  storeUnreachable,
} from './generations.js';
import type { LaunchContext } from './launch-context.js';

/** Where this launch's generations live; undefined when caching is off or the store is. */
export function generationPlace(context: LaunchContext): GenerationPlace | undefined {
  const { config, options } = context;
  if (!config.cache || config.cacheStore === undefined) return undefined;
  return {
    store: config.cacheStore,
    cacheKey: config.cacheKey,
    scope: options.cacheScope ?? cacheScope(DEFAULT_SCOPE),
  };
}

export async function startFromGeneration(context: LaunchContext, place: GenerationPlace): Promise<Checkout> {
  const { stateDir, createdAt, sessionId } = context;
  const unreachable = await storeUnreachable(context.config.engineHost);
  if (unreachable !== undefined) return { mode: 'slots', reason: unreachable };
  const unclonable = await knownUnclonable(stateDir, place.store, createdAt);
  if (unclonable !== undefined) return { mode: 'slots', reason: unclonable };
  // Recorded first: a launch killed while the clone is made leaves it for its teardown to discard.
  await context.record({ generation: place });
  let checkout: Checkout;
  try {
    checkout = await checkoutGeneration(place, sessionId);
  } catch (error) {
    context.log?.warn(`cache generations unavailable, using cache slots: ${describeError(error)}`);
    await discardGeneration(place, sessionId).catch(() => undefined);
    await context.record({ generation: undefined });
    return { mode: 'slots', reason: describeError(error) };
  }
  if (checkout.mode === 'slots') {
    await context.record({ generation: undefined });
    await noteUnclonable(stateDir, place.store, checkout.reason, createdAt);
  } else if (checkout.fromScope !== undefined) {
    await noteGenerationUse(stateDir, place, checkout.fromScope, createdAt).catch(() => undefined);
  }
  return checkout;
}
