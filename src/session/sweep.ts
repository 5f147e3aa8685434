/**
 * Removal of everything that carries a set of labels: a session's or a GitLab job's containers,
 * networks and volumes (never a cache volume). Resources are found by label, not by remembered
 * ids, so a sweep works after a crash; each removal is a step of its own, whose failure becomes a
 * warning and does not stop the others.
 */
import { describeError } from '../core/errors.js';
import { LABELS } from '../core/names.js';
import type { ContainerSummary, EnginePort, Logger, NetworkInfo, VolumeInfo } from '../ports.js';

/** What a cleanup removed and the problems it met: a failed step is a warning, never an exception. */
export class SweepReport {
  readonly removed: string[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly log: Logger | undefined,
    /** Names the cleanup in log lines, e.g. "teardown". */
    private readonly name: string,
  ) {}

  async step(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.warnings.push(`${what}: ${describeError(error)}`);
      this.log?.warn(`${this.name}: ${what}: ${describeError(error)}`);
    }
  }
}

export interface SweepOptions {
  /** Order in which containers are ended (default: as the engine lists them). */
  readonly containerOrder?: (a: ContainerSummary, b: ContainerSummary) => number;
  /**
   * Ends a container before the sweep removes it (a graceful stop). Returning false means it took
   * the container's removal on itself.
   */
  readonly endContainer?: (container: ContainerSummary) => Promise<boolean>;
  /** Networks to remove besides the labelled ones (a leased spare carries no session label). */
  readonly moreNetworks?: readonly string[];
  /** Called after a network's removal (or after finding it gone). */
  readonly afterNetwork?: (name: string, network: NetworkInfo | undefined) => Promise<void>;
}

/** Volumes a sweep removes: every labelled one but the cache volumes, which the budgets govern. */
export async function sweptVolumes(
  engine: EnginePort,
  labels: Record<string, string>,
): Promise<VolumeInfo[]> {
  return (await engine.listVolumes(labels)).filter((volume) => volume.labels[LABELS.role] !== 'cache');
}

/** Removes the containers, then the networks, then the volumes that carry all of `labels`. */
export async function sweepByLabel(
  engine: EnginePort,
  labels: Record<string, string>,
  report: SweepReport,
  options: SweepOptions = {},
): Promise<void> {
  await report.step('containers', async () => {
    const containers = await engine.listContainers(labels);
    if (options.containerOrder) containers.sort(options.containerOrder);
    for (const container of containers) {
      await report.step(`container ${container.name}`, async () => {
        if (options.endContainer && !(await options.endContainer(container))) return;
        if (await engine.removeContainer(container.id)) report.removed.push(`container ${container.name}`);
      });
    }
  });

  await report.step('networks', async () => {
    const labelled = (await engine.listNetworks(labels)).map((network) => network.name);
    for (const name of new Set([...labelled, ...(options.moreNetworks ?? [])])) {
      await report.step(`network ${name}`, async () => {
        const network = await engine.inspectNetwork(name);
        // Whatever is still attached (a runner container a launch attached) would block removal.
        for (const attached of network?.containers ?? []) await engine.disconnectNetwork(name, attached);
        if (network && (await engine.removeNetwork(name))) report.removed.push(`network ${name}`);
        await options.afterNetwork?.(name, network);
      });
    }
  });

  await report.step('volumes', async () => {
    for (const volume of await sweptVolumes(engine, labels)) {
      await report.step(`volume ${volume.name}`, async () => {
        if (await engine.removeVolume(volume.name)) report.removed.push(`volume ${volume.name}`);
      });
    }
  });
}
