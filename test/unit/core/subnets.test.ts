import { describe, expect, it } from 'vitest';
import { formatCidr, overlaps, parseCidr } from '../../../src/core/cidr.js';
import {
  chooseInnerRanges,
  chooseSessionSubnet,
  innerRangesFrom,
  parseProcNetRoute,
} from '../../../src/core/subnets.js';

const cidr = (text: string) => parseCidr(text)!;

describe('chooseSessionSubnet', () => {
  it('returns a /24 that overlaps nothing occupied, with gateway .1 and daemon .2', () => {
    const occupied = [cidr('10.199.0.0/17'), cidr('172.17.0.0/16')];
    const choice = chooseSessionSubnet(occupied, 0)!;
    expect(occupied.some((taken) => overlaps(taken, choice.subnet))).toBe(false);
    expect(choice.subnet.prefix).toBe(24);
    const base = formatCidr(choice.subnet).split('/')[0]!.split('.').slice(0, 3).join('.');
    expect(choice.gateway).toBe(`${base}.1`);
    expect(choice.daemonIp).toBe(`${base}.2`);
  });

  it('spreads concurrent launches by offset and moves on when asked to skip', () => {
    const a = chooseSessionSubnet([], 0)!;
    const b = chooseSessionSubnet([], 1)!;
    const c = chooseSessionSubnet([], 0, 1)!;
    expect(formatCidr(a.subnet)).not.toBe(formatCidr(b.subnet));
    expect(formatCidr(a.subnet)).not.toBe(formatCidr(c.subnet));
  });

  it('gives up when every candidate is taken', () => {
    expect(chooseSessionSubnet([cidr('0.0.0.0/1'), cidr('128.0.0.0/1')], 0)).toBeUndefined();
  });
});

describe('chooseInnerRanges', () => {
  it('avoids the outer network the inner daemon would otherwise collide with', () => {
    // Docker's own defaults for the outer engine, plus a session network in 10.200.x.
    const occupied = [cidr('172.17.0.0/16'), cidr('172.18.0.0/16'), cidr('10.200.5.0/24')];
    const ranges = chooseInnerRanges(occupied)!;
    const bip = cidr(ranges.bip);
    expect(occupied.some((taken) => overlaps(taken, bip))).toBe(false);
    for (const pool of ranges.defaultAddressPools) {
      expect(occupied.some((taken) => overlaps(taken, cidr(pool.base)))).toBe(false);
    }
  });

  it('keeps the bridge and the pools apart', () => {
    const ranges = innerRangesFrom(cidr('10.77.0.0/16'));
    expect(ranges.bip).toBe('10.77.0.1/24');
    expect(ranges.defaultAddressPools).toEqual([{ base: '10.77.128.0/17', size: 24 }]);
    expect(overlaps(cidr(ranges.bip), cidr(ranges.defaultAddressPools[0]!.base))).toBe(false);
  });

  it('uses the configured pool as given', () => {
    expect(chooseInnerRanges([cidr('10.0.0.0/8')], cidr('192.168.64.0/20'))!.bip).toBe('192.168.64.1/24');
  });

  it('returns undefined when all candidates are taken', () => {
    expect(chooseInnerRanges([cidr('10.0.0.0/8'), cidr('172.16.0.0/12')])).toBeUndefined();
  });
});

describe('parseProcNetRoute', () => {
  it('reads destinations from a real routing table, skipping the default route', () => {
    const table = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
      'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    ].join('\n');
    expect(parseProcNetRoute(table).map(formatCidr)).toEqual(['192.168.0.0/24', '172.17.0.0/16']);
  });
});
