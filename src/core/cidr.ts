/** IPv4 CIDR arithmetic for choosing non-overlapping subnets. Pure. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses "a.b.c.d/n"; the address is reduced to its network. Undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const address = parseIpv4(match[1]!);
  const prefix = Number(match[2]);
  if (address === undefined || prefix > 32) return undefined;
  return { base: (address & mask(prefix)) >>> 0, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

function lastAddress(cidr: Cidr): number {
  return (cidr.base + 2 ** (32 - cidr.prefix) - 1) >>> 0;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && inner.base >= outer.base && lastAddress(inner) <= lastAddress(outer);
}

/** The n-th address of a subnet (1 = first host). */
export function hostAddress(cidr: Cidr, n: number): string {
  return formatIpv4((cidr.base + n) >>> 0);
}

/** Splits a range into consecutive subnets of the given prefix length. */
export function* subnets(range: Cidr, prefix: number): Generator<Cidr> {
  if (prefix < range.prefix) return;
  const step = 2 ** (32 - prefix);
  for (let base = range.base; base <= lastAddress(range); base += step) {
    yield { base: base >>> 0, prefix };
  }
}
