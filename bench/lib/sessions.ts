/** secure-dind sessions as the library's users get them: launch() and teardown() with defaults. */
import { type RawSettings, type SessionConfig, parseSessionConfig } from '../../src/core/config.js';
import { LABELS } from '../../src/core/names.js';
import { launch } from '../../src/session/launch.js';
import { teardown } from '../../src/session/teardown.js';
import type { Session, TeardownReport } from '../../src/session/types.js';
import type { BenchContext } from './context.js';

/** The product's defaults, except the image, the runtime and a generous startup timeout. */
export function benchConfig(ctx: BenchContext, raw: RawSettings): SessionConfig {
  return parseSessionConfig({ image: ctx.image, runtime: ctx.runtime, 'startup-timeout': '120s', ...raw });
}

/**
 * launch() as a runner on the engine's host calls it (clientPlacement "host": the benchmark runs
 * where the engine's bridge networks are routed, so nothing needs attaching).
 */
export function startSession(ctx: BenchContext, raw: RawSettings): Promise<Session> {
  return launch(
    benchConfig(ctx, raw),
    { clientPlacement: 'host', jobId: ctx.prefix },
    {
      engine: ctx.engine,
      stateDir: ctx.stateDir,
    },
  );
}

export function endSession(ctx: BenchContext, session: Session): Promise<TeardownReport> {
  return teardown(session, { engine: ctx.engine, stateDir: ctx.stateDir });
}

/** Runs `use` in a fresh session and always tears it down; teardown warnings are reported, not thrown. */
export async function withSession<T>(
  ctx: BenchContext,
  raw: RawSettings,
  use: (session: Session) => Promise<T>,
): Promise<T> {
  const session = await startSession(ctx, raw);
  try {
    return await use(session);
  } finally {
    const report = await endSession(ctx, session);
    for (const warning of report.warnings) ctx.progress(`teardown warning: ${warning}`);
  }
}

/** Removes the cache volumes of a cache key (they outlive sessions by design). */
export async function removeCacheVolumes(ctx: BenchContext, cacheKey: string): Promise<string[]> {
  const removed: string[] = [];
  for (const volume of await ctx.engine.listVolumes({
    [LABELS.role]: 'cache',
    [LABELS.cacheKey]: cacheKey,
  })) {
    if (await ctx.engine.removeVolume(volume.name)) removed.push(volume.name);
  }
  return removed;
}
