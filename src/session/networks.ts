/**
 * Session networks: where a session's network may go (clear of every outer network and host
 * route), its creation, and networks made ahead of time. Creating a bridge network costs a launch
 * about 150 ms of the engine's iptables work, so each launch creates a spare while its daemon boots
 * (time the launch spends waiting anyway), and the next launch leases it instead of creating one.
 * A spare is made for a session id of its own, which the launch that leases it adopts, so it is a
 * session network like any other (same name and labels, found by the same label searches). It is
 * leased by exactly one session (an exclusive lease file under the state dir; spares belong to the
 * state dir that made them, so processes that do not share one never share a spare) and removed at
 * that session's teardown, never reused. A spare carries no deadline: `gc` removes unleased ones.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Cidr, formatCidr, hostAddress, parseCidr } from '../core/cidr.js';
import { SystemError } from '../core/errors.js';
import { LABELS, OWNER, isPastDeadline, newSessionId, sessionNetworkName } from '../core/names.js';
import { chooseSessionSubnet } from '../core/subnets.js';
import type { EnginePort, NetworkInfo } from '../ports.js';
import { hostRoutes } from './host.js';

/**
 * Spares kept per state dir: a key's default cache slots' worth, so four launches at once lease a
 * spare each (in the bench, 4 at once went from 1.42x to 1.30x the bare-container floor with 4, not 2).
 */
export const SPARE_NETWORKS = 4;
const DEFAULT_MTU = 1500;

export interface PlacedNetwork {
  readonly name: string;
  readonly subnet: Cidr;
  readonly daemonIp: string;
}

export interface LeasedSpare extends PlacedNetwork {
  /** The session id the spare was made for: the leasing launch takes it as its own. */
  readonly sessionId: string;
}

/** What a launch needs to know of the host's networks. */
export interface HostNetworks {
  readonly networks: readonly NetworkInfo[];
  /** Every outer network's subnet and every host route. */
  readonly occupied: readonly Cidr[];
  /** The MTU of the engine's default bridge (the outer network's). */
  readonly outerMtu: number;
}

export async function lookAtHostNetworks(engine: EnginePort): Promise<HostNetworks> {
  const [networks, routes] = await Promise.all([engine.listNetworks(), hostRoutes()]);
  const occupied = [
    ...networks.flatMap((n) => n.subnets.map((s) => parseCidr(s)).filter((c): c is Cidr => c !== undefined)),
    ...routes,
  ];
  return { networks, occupied, outerMtu: networks.find((n) => n.name === 'bridge')?.mtu ?? DEFAULT_MTU };
}

export interface NetworkLease {
  readonly network: string;
  readonly sessionId: string;
  readonly deadline: string;
  /** The session's certificate directory, so that a crash before its container still finds it. */
  readonly certDir: string;
}

/** Spares belong to the state dir that made them. */
function poolId(stateDir: string): string {
  return createHash('sha256').update(stateDir).digest('hex').slice(0, 12);
}

const leaseDir = (stateDir: string) => join(stateDir, 'network-leases');
const leasePath = (stateDir: string, network: string) => join(leaseDir(stateDir), `${network}.json`);

/**
 * Creates a bridge network on a /24 nothing else uses, trying the next ones when another launch
 * takes the chosen subnet between our look and our create.
 */
export async function createOnFreeSubnet(
  engine: EnginePort,
  spec: {
    name: string;
    occupied: readonly Cidr[];
    offset: number;
    mtu: number;
    labels: Record<string, string>;
  },
): Promise<PlacedNetwork> {
  for (let skip = 0; skip < 8; skip++) {
    const choice = chooseSessionSubnet(spec.occupied, spec.offset, skip);
    if (!choice) break;
    const created = await engine.createNetwork({
      name: spec.name,
      subnet: { subnet: formatCidr(choice.subnet), gateway: choice.gateway },
      mtu: spec.mtu,
      labels: spec.labels,
    });
    if (created) return { name: spec.name, subnet: choice.subnet, daemonIp: choice.daemonIp };
  }
  throw new SystemError('no free IPv4 subnet for the session network', {
    hint: 'Remove unused Docker networks (docker network prune) or free a range in 10.199.0.0/16 or 172.29.0.0/16.',
  });
}

function spares(networks: readonly NetworkInfo[], stateDir: string, mtu: number): NetworkInfo[] {
  const pool = poolId(stateDir);
  return networks.filter(
    (n) => n.labels[LABELS.pool] === pool && n.labels[LABELS.mtu] === String(mtu) && n.labels[LABELS.session],
  );
}

/**
 * Leases a spare of this state dir and MTU; undefined when none is free. The lease carries the
 * deadline and certificate directory of the session that takes it, for the reaper.
 */
export async function leaseSpare(
  stateDir: string,
  networks: readonly NetworkInfo[],
  session: { deadline: Date; mtu: number; certDirFor: (sessionId: string) => string },
): Promise<LeasedSpare | undefined> {
  const candidates = spares(networks, stateDir, session.mtu);
  if (candidates.length === 0) return undefined;
  await mkdir(leaseDir(stateDir), { recursive: true, mode: 0o700 });
  for (const network of candidates) {
    const subnet = parseCidr(network.subnets[0] ?? '');
    const sessionId = network.labels[LABELS.session]!;
    if (!subnet) continue;
    const lease: NetworkLease = {
      network: network.name,
      sessionId,
      deadline: session.deadline.toISOString(),
      certDir: session.certDirFor(sessionId),
    };
    // Written whole, then linked into place: link fails when another launch leased it first.
    const draft = `${leasePath(stateDir, network.name)}.${randomBytes(4).toString('hex')}.draft`;
    await writeFile(draft, JSON.stringify(lease), { mode: 0o600 });
    try {
      await link(draft, leasePath(stateDir, network.name));
      return { name: network.name, subnet, daemonIp: hostAddress(subnet, 2), sessionId };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(draft, { force: true });
    }
  }
  return undefined;
}

/** Adds a spare to the pool unless it already holds enough. Never throws: a spare is an optimisation. */
export async function replenish(
  engine: EnginePort,
  stateDir: string,
  host: HostNetworks,
  spec: { occupied: readonly Cidr[]; mtu: number; createdAt: Date },
): Promise<void> {
  if (spares(host.networks, stateDir, spec.mtu).length >= SPARE_NETWORKS) return;
  const sessionId = newSessionId();
  await createOnFreeSubnet(engine, {
    name: sessionNetworkName(sessionId),
    occupied: spec.occupied,
    offset: parseInt(sessionId.slice(0, 4), 16),
    mtu: spec.mtu,
    labels: {
      [LABELS.owner]: OWNER,
      [LABELS.session]: sessionId,
      [LABELS.role]: 'network',
      [LABELS.pool]: poolId(stateDir),
      [LABELS.mtu]: String(spec.mtu),
      [LABELS.createdAt]: spec.createdAt.toISOString(),
    },
  }).catch(() => undefined);
}

/**
 * Tops the pool of spare networks up by one (never past SPARE_NETWORKS), at the MTU of the session
 * network named (else the engine's); a failure only means the next launch makes its own network.
 */
export async function topUpSpares(
  engine: EnginePort,
  stateDir: string,
  sessionNetwork: string | undefined,
): Promise<void> {
  const host = await lookAtHostNetworks(engine).catch(() => undefined);
  if (!host) return;
  const mtu = host.networks.find((network) => network.name === sessionNetwork)?.mtu ?? host.outerMtu;
  await replenish(engine, stateDir, host, { occupied: host.occupied, mtu, createdAt: new Date() });
}

async function readLeases(stateDir: string): Promise<NetworkLease[]> {
  const names = await readdir(leaseDir(stateDir)).catch(() => [] as string[]);
  const leases = await Promise.all(
    names
      .filter((name) => name.endsWith('.json'))
      .map((name) =>
        readFile(join(leaseDir(stateDir), name), 'utf8').then(
          (text) => JSON.parse(text) as NetworkLease,
          () => undefined,
        ),
      ),
  );
  return leases.filter((lease): lease is NetworkLease => typeof lease?.network === 'string');
}

/** The spares a session leased (a launch leases at most one). */
export async function leasedBy(stateDir: string, sessionId: string): Promise<NetworkLease[]> {
  return (await readLeases(stateDir)).filter((lease) => lease.sessionId === sessionId);
}

/** Sessions holding a lease past its deadline (the launching process died before teardown). */
export async function expiredLeaseHolders(stateDir: string, now: Date): Promise<string[]> {
  return (await readLeases(stateDir))
    .filter((lease) => isPastDeadline({ [LABELS.deadline]: lease.deadline }, now))
    .map((lease) => lease.sessionId);
}

export async function releaseLease(stateDir: string, network: string): Promise<void> {
  await rm(leasePath(stateDir, network), { force: true });
}

/** Removes this state dir's spares that nobody leased (for gc). */
export async function removeSpares(engine: EnginePort, stateDir: string): Promise<string[]> {
  const pool = poolId(stateDir);
  const leased = new Set((await readLeases(stateDir)).map((lease) => lease.network));
  const removed: string[] = [];
  for (const network of await engine.listNetworks({ [LABELS.pool]: pool })) {
    if (!leased.has(network.name) && (await engine.removeNetwork(network.name))) removed.push(network.name);
  }
  return removed;
}
