/**
 * The safety net behind every experiment's own finally: finds what this run created by name and
 * label and removes it, so the benchmark leaves nothing behind even after a failure or Ctrl-C.
 * On a clean run it finds nothing; anything it does remove is reported as a leak.
 */
import { rm } from 'node:fs/promises';
import { LABELS, OWNER } from '../../src/core/names.js';
import { removeSpares } from '../../src/session/networks.js';
import { teardown } from '../../src/session/teardown.js';
import type { SessionState } from '../../src/session/types.js';
import { BENCH_LABEL, type BenchContext } from './context.js';
import { unmountAllUnder } from '../../test/support/loop-fs.js';

/** A secure-dind session of this run, rebuilt from its daemon container's labels. */
function stateFromLabels(labels: Record<string, string>): SessionState {
  return {
    version: 1,
    sessionId: labels[LABELS.session] ?? 'unknown',
    engineHost: undefined,
    cache: true,
    stopTimeoutSeconds: 0,
    cacheMaxSize: undefined,
    cacheTotalMaxSize: undefined,
    certDir: labels[LABELS.certDir],
  };
}

async function sweepSessions(ctx: BenchContext): Promise<string[]> {
  const removed: string[] = [];
  for (const container of await ctx.engine.listContainers({ [LABELS.owner]: OWNER })) {
    if (!container.labels[LABELS.cacheKey]?.startsWith(ctx.prefix)) continue;
    const report = await teardown(stateFromLabels(container.labels), {
      engine: ctx.engine,
      stateDir: ctx.stateDir,
      graceSeconds: 0,
    });
    removed.push(...report.removed);
  }
  return removed;
}

async function sweepOwn(ctx: BenchContext): Promise<string[]> {
  const removed: string[] = [];
  const filters = { label: [`${BENCH_LABEL}=${ctx.runId}`] };
  for (const container of await ctx.api.listContainers({ all: true, filters })) {
    await ctx.api.getContainer(container.Id).remove({ force: true, v: true });
    removed.push(`container ${container.Names[0] ?? container.Id}`);
  }
  // Cache store helpers are labelled by the product, with this run's session ids.
  for (const container of await ctx.engine.listContainers({
    [LABELS.owner]: OWNER,
    [LABELS.role]: 'helper',
  })) {
    if (!container.labels[LABELS.session]?.startsWith(ctx.prefix)) continue;
    await ctx.api.getContainer(container.id).remove({ force: true });
    removed.push(`container ${container.name}`);
  }
  for (const network of await ctx.api.listNetworks({ filters })) {
    await ctx.api.getNetwork(network.Id).remove();
    removed.push(`network ${network.Name}`);
  }
  for (const volume of await ctx.engine.listVolumes({ [LABELS.role]: 'cache' })) {
    if (!volume.labels[LABELS.cacheKey]?.startsWith(ctx.prefix)) continue;
    if (await ctx.engine.removeVolume(volume.name)) removed.push(`volume ${volume.name}`);
  }
  return removed;
}

/**
 * Removes everything of this run; returns what it had to remove (leaks) apart from the spare
 * networks the run's launches keep ready for one another (by design). Never throws.
 */
export async function sweep(
  ctx: BenchContext,
): Promise<{ removed: string[]; spares: string[]; errors: string[] }> {
  const removed: string[] = [];
  const errors: string[] = [];
  const attempt = async <T>(step: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await step();
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
      return [];
    }
  };
  removed.push(...(await attempt(() => sweepSessions(ctx))), ...(await attempt(() => sweepOwn(ctx))));
  // The run's state dir goes with it: so do the spare networks its launches made for one another.
  const spares = await attempt(() => removeSpares(ctx.engine, ctx.stateDir));
  // Loop filesystems (the clone experiment's) are mounted under the scratch directory: unmount
  // them before it goes, or rm would descend into them and the loop devices would stay.
  removed.push(...(await unmountAllUnder(ctx.workDir)).map((point) => `mount ${point}`));
  await rm(ctx.workDir, { recursive: true, force: true });
  return { removed, spares, errors };
}
