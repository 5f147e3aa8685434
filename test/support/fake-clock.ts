import type { Clock } from '../../src/ports.js';

/** A clock whose sleep advances time at once and records each pause. */
export function fakeClock(): Clock & { pauses: number[] } {
  let now = 1_000;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => now,
    sleep: async (ms) => {
      pauses.push(ms);
      now += ms;
    },
  };
}
