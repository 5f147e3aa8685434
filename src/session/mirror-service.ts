/**
 * The per-host registry mirror's lifecycle: `secure-dind mirror up|down|status|gc`. One mirror per
 * engine, found by its labels; every call is idempotent.
 *
 * The storage budget: distribution 2.8 expires what the proxy fetched 7 days after fetching it (a
 * fixed TTL); between expiries `status` reports the cache's size against the budget and `gc`
 * empties an over-budget cache (it only holds what upstream serves again on the next pull).
 */
import { SystemError } from '../core/errors.js';
import {
  MIRROR,
  MIRROR_LABELS,
  MIRROR_SELECTOR,
  type MirrorOptions,
  mirrorContainerSpec,
  mirrorLabels,
  mirrorUrl,
} from '../core/mirror.js';
import { registryProblem } from '../engine/registry-probe.js';
import type { ContainerState, EnginePort, Logger } from '../ports.js';

const READY_TIMEOUT_MS = 30_000;

export interface MirrorStatus {
  readonly state: 'absent' | 'running' | 'stopped';
  readonly url?: string;
  readonly upstream?: string;
  readonly image?: string;
  readonly budgetBytes?: number;
  /** Bytes the cache volume takes. */
  readonly usedBytes?: number;
  readonly overBudget: boolean;
  /** Why a running mirror does not answer; undefined when it does. */
  readonly problem?: string;
}

/** Starts the mirror, or leaves a running one with the same settings as it is. */
export async function mirrorUp(
  engine: EnginePort,
  options: MirrorOptions,
  log?: Logger,
  now: () => Date = () => new Date(),
): Promise<MirrorStatus> {
  if (!(await engine.imageExists(options.image))) {
    throw new SystemError(`the mirror image ${options.image} is not present`, {
      hint: 'Build it from the repository: docker build -t secure-dind/mirror mirror-image (or pass --image).',
    });
  }
  const gateway = await ensureNetwork(engine, now());
  const url = mirrorUrl(options, gateway);
  const publishIp = options.listenIp ?? gateway;
  const wanted = {
    [MIRROR_LABELS.url]: url,
    [MIRROR_LABELS.upstream]: options.upstream,
    [MIRROR_LABELS.budget]: String(options.budget),
    [MIRROR_LABELS.image]: options.image,
    [MIRROR_LABELS.listen]: `${publishIp}:${options.port}`,
  };
  const existing = await ownContainer(engine);
  const same =
    existing !== undefined && Object.entries(wanted).every(([key, value]) => existing.labels[key] === value);
  if (existing && !same) {
    log?.info(`replacing the registry mirror ${MIRROR.container}: its settings changed`);
    await engine.removeContainer(MIRROR.container);
    // Cached content is named as upstream named it: another upstream must not be served from it.
    if (existing.labels[MIRROR_LABELS.upstream] !== options.upstream)
      await engine.removeVolume(MIRROR.volume);
  }
  if (!same) {
    if (!(await engine.inspectVolume(MIRROR.volume))) {
      await engine.createVolume(MIRROR.volume, mirrorLabels(now()));
    }
    const spec = mirrorContainerSpec(options, publishIp, mirrorLabels(now(), wanted));
    await engine.createContainer(MIRROR.container, spec);
  }
  if (!existing?.running || !same) await engine.startContainer(MIRROR.container);
  await waitUntilAnswering(url);
  log?.info(`registry mirror ${url} runs, pulling through from ${options.upstream}`);
  return mirrorStatus(engine);
}

/** Removes the mirror and its network; the cache volume too with `purge`. */
export async function mirrorDown(engine: EnginePort, purge: boolean): Promise<string[]> {
  const removed: string[] = [];
  if ((await ownContainer(engine)) && (await engine.removeContainer(MIRROR.container)))
    removed.push(`container ${MIRROR.container}`);
  const network = await engine.inspectNetwork(MIRROR.network);
  if (network && isMirrorResource(network.labels) && (await engine.removeNetwork(MIRROR.network)))
    removed.push(`network ${MIRROR.network}`);
  const volume = purge ? await engine.inspectVolume(MIRROR.volume) : undefined;
  if (volume && isMirrorResource(volume.labels) && (await engine.removeVolume(MIRROR.volume)))
    removed.push(`volume ${MIRROR.volume}`);
  return removed;
}

export async function mirrorStatus(engine: EnginePort): Promise<MirrorStatus> {
  const [container, usage] = await Promise.all([ownContainer(engine), engine.volumeUsage()]);
  const usedBytes = usage.get(MIRROR.volume)?.size;
  if (!container) {
    return { state: 'absent', usedBytes, overBudget: false };
  }
  const labels = container.labels;
  const url = labels[MIRROR_LABELS.url];
  const budgetBytes = Number(labels[MIRROR_LABELS.budget]) || undefined;
  const problem = container.running && url ? await registryProblem(url, 3000) : undefined;
  return {
    state: container.running ? 'running' : 'stopped',
    url,
    upstream: labels[MIRROR_LABELS.upstream],
    image: labels[MIRROR_LABELS.image],
    budgetBytes,
    usedBytes,
    overBudget: budgetBytes !== undefined && usedBytes !== undefined && usedBytes > budgetBytes,
    problem,
  };
}

/** Empties the cache when it is over budget, restarting the mirror with its settings. */
export async function mirrorGc(engine: EnginePort, log?: Logger): Promise<MirrorStatus> {
  const status = await mirrorStatus(engine);
  const container = await ownContainer(engine);
  if (!status.overBudget || !container) return status;
  log?.info(`the registry mirror's cache takes ${status.usedBytes} bytes, over its budget: emptying it`);
  const listen = container.labels[MIRROR_LABELS.listen] ?? '';
  const colon = listen.lastIndexOf(':');
  const options: MirrorOptions = {
    image: container.labels[MIRROR_LABELS.image] ?? '',
    upstream: status.upstream ?? '',
    budget: status.budgetBytes ?? 0,
    listenIp: listen.slice(0, colon),
    port: Number(listen.slice(colon + 1)),
  };
  await engine.removeContainer(MIRROR.container);
  await engine.removeVolume(MIRROR.volume);
  return mirrorUp(engine, options, log);
}

function isMirrorResource(labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(MIRROR_SELECTOR).every(([key, value]) => labels[key] === value);
}

/** The mirror's container; a container of that name secure-dind did not make is never touched. */
async function ownContainer(engine: EnginePort): Promise<ContainerState | undefined> {
  const container = await engine.inspectContainer(MIRROR.container);
  if (container && !isMirrorResource(container.labels)) {
    throw new SystemError(`a container named ${MIRROR.container} exists that secure-dind did not create`, {
      hint: 'Rename or remove it; secure-dind leaves it alone.',
    });
  }
  return container;
}

/** The mirror's network (created when missing); returns its gateway address. */
async function ensureNetwork(engine: EnginePort, createdAt: Date): Promise<string> {
  let network = await engine.inspectNetwork(MIRROR.network);
  if (!network) {
    await engine.createNetwork({ name: MIRROR.network, labels: mirrorLabels(createdAt) });
    network = await engine.inspectNetwork(MIRROR.network);
  }
  if (network && !isMirrorResource(network.labels)) {
    throw new SystemError(`a network named ${MIRROR.network} exists that secure-dind did not create`);
  }
  const gateway = network?.gateways[0];
  if (!gateway) throw new SystemError(`the network ${MIRROR.network} has no IPv4 gateway`);
  return gateway;
}

async function waitUntilAnswering(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let problem = await registryProblem(url, 2000);
  while (problem !== undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    problem = await registryProblem(url, 2000);
  }
  if (problem !== undefined) {
    throw new SystemError(
      `the registry mirror at ${url} did not answer within ${READY_TIMEOUT_MS / 1000} s: ${problem}`,
      {
        hint: 'See its log: docker logs secure-dind-mirror',
      },
    );
  }
}
