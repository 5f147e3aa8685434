/**
 * Address choice for a session, pure. The session network gets a subnet no outer network or host
 * route uses (so the daemon has a fixed, certifiable address); the inner daemon's bridge and
 * address pools avoid every outer range too: an inner docker0 overlapping the session network
 * makes the daemon unreachable (seen: both on 172.18.0.0/16, requests hung).
 */
import { type Cidr, formatCidr, hostAddress, overlaps, parseCidr, subnets } from './cidr.js';

/** Where session networks are carved from, as /24s, in order of preference. */
const SESSION_SPACE = ['10.199.0.0/16', '172.29.0.0/16', '10.198.0.0/16'].map((text) => parseCidr(text)!);
/** Candidate /16s for the inner daemon, in order of preference. */
const INNER_SPACE = [
  ...Array.from({ length: 20 }, (_, i) => `10.${200 + i}.0.0/16`),
  '172.30.0.0/16',
  '172.31.0.0/16',
].map((text) => parseCidr(text)!);

export interface SessionSubnet {
  readonly subnet: Cidr;
  readonly gateway: string;
  /** The daemon container's fixed address (it is in the server certificate). */
  readonly daemonIp: string;
}

/**
 * The first free /24 for a session network, starting at an offset (e.g. from the session id) so
 * that concurrent launches rarely pick the same one; `skip` more when a create call lost a race.
 */
export function chooseSessionSubnet(
  occupied: readonly Cidr[],
  offset: number,
  skip = 0,
): SessionSubnet | undefined {
  const candidates = SESSION_SPACE.flatMap((range) => [...subnets(range, 24)]);
  let toSkip = skip;
  for (let i = 0; i < candidates.length; i++) {
    const subnet = candidates[(offset + i) % candidates.length]!;
    if (occupied.some((taken) => overlaps(taken, subnet))) continue;
    if (toSkip-- > 0) continue;
    return { subnet, gateway: hostAddress(subnet, 1), daemonIp: hostAddress(subnet, 2) };
  }
  return undefined;
}

export interface InnerRanges {
  /** The inner docker0 address with prefix, e.g. 10.200.0.1/24. */
  readonly bip: string;
  readonly defaultAddressPools: readonly { readonly base: string; readonly size: number }[];
}

/** Splits a range into the inner bridge (its first /24) and pools (its upper half, as /24s). */
export function innerRangesFrom(range: Cidr): InnerRanges {
  const upperHalf: Cidr = {
    base: (range.base + 2 ** (32 - range.prefix - 1)) >>> 0,
    prefix: range.prefix + 1,
  };
  return {
    bip: `${hostAddress(range, 1)}/24`,
    defaultAddressPools: [{ base: formatCidr(upperHalf), size: Math.max(24, upperHalf.prefix) }],
  };
}

/** The inner daemon's ranges: the override when given, else the first candidate /16 nothing uses. */
export function chooseInnerRanges(occupied: readonly Cidr[], override?: Cidr): InnerRanges | undefined {
  if (override) return innerRangesFrom(override);
  const free = INNER_SPACE.find((range) => !occupied.some((taken) => overlaps(taken, range)));
  return free && innerRangesFrom(free);
}

/** Destination ranges of a Linux routing table (/proc/net/route), without the default route. */
export function parseProcNetRoute(text: string): Cidr[] {
  const routes: Cidr[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const destination = littleEndianHex(fields[1]!);
    const mask = littleEndianHex(fields[7]!);
    if (destination === undefined || mask === undefined || mask === 0) continue;
    const prefix = 32 - Math.log2(2 ** 32 - mask);
    if (!Number.isInteger(prefix)) continue;
    routes.push({ base: destination, prefix });
  }
  return routes;
}

function littleEndianHex(hex: string): number | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const bytes = hex.match(/../g)!.map((b) => parseInt(b, 16));
  return ((bytes[3]! << 24) | (bytes[2]! << 16) | (bytes[1]! << 8) | bytes[0]!) >>> 0;
}
