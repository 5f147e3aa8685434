/** IPv4 CIDR arithmetic for choosing non-overlapping subnets. Pure. */
export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefix: number;
}
export declare function parseIpv4(text: string): number | undefined;
export declare function formatIpv4(value: number): string;
/** Parses "a.b.c.d/n"; the address is reduced to its network. Undefined when malformed. */
export declare function parseCidr(text: string): Cidr | undefined;
export declare function formatCidr(cidr: Cidr): string;
export declare function overlaps(a: Cidr, b: Cidr): boolean;
export declare function contains(outer: Cidr, inner: Cidr): boolean;
/** The n-th address of a subnet (1 = first host). */
export declare function hostAddress(cidr: Cidr, n: number): string;
/** Splits a range into consecutive subnets of the given prefix length. */
export declare function subnets(range: Cidr, prefix: number): Generator<Cidr>;
