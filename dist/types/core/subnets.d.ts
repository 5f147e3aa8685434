/**
 * Address choice for a session, pure. The session network gets a subnet no outer network or host
 * route uses (so the daemon has a fixed, certifiable address); the inner daemon's bridge and
 * address pools avoid every outer range too: an inner docker0 overlapping the session network
 * makes the daemon unreachable (seen: both on 172.18.0.0/16, requests hung).
 */
import { type Cidr } from './cidr.js';
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
export declare function chooseSessionSubnet(occupied: readonly Cidr[], offset: number, skip?: number): SessionSubnet | undefined;
export interface InnerRanges {
    /** The inner docker0 address with prefix, e.g. 10.200.0.1/24. */
    readonly bip: string;
    readonly defaultAddressPools: readonly {
        readonly base: string;
        readonly size: number;
    }[];
}
/** Splits a range into the inner bridge (its first /24) and pools (its upper half, as /24s). */
export declare function innerRangesFrom(range: Cidr): InnerRanges;
/** The inner daemon's ranges: the override when given, else the first candidate /16 nothing uses. */
export declare function chooseInnerRanges(occupied: readonly Cidr[], override?: Cidr): InnerRanges | undefined;
/** Destination ranges of a Linux routing table (/proc/net/route), without the default route. */
export declare function parseProcNetRoute(text: string): Cidr[];
