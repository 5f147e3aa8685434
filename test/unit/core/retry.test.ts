import { describe, expect, it } from 'vitest';
import { RetryTimeout, retry } from '../../../src/core/retry.js';
import { fakeClock } from '../../support/fake-clock.js';

describe('retry', () => {
  it('returns the first success with the attempts it took and backs off by the factor up to the cap', async () => {
    const clock = fakeClock();
    let calls = 0;
    const outcome = await retry(
      async () => {
        calls += 1;
        if (calls < 5) throw new Error(`not yet ${calls}`);
        return 'ok';
      },
      { timeoutMs: 10_000, initialDelayMs: 100, maxDelayMs: 300, factor: 2, clock },
    );
    expect(outcome).toEqual({ value: 'ok', attempts: 5, elapsedMs: 100 + 200 + 300 + 300 });
    expect(clock.pauses).toEqual([100, 200, 300, 300]);
  });

  it('gives up when the budget is spent, naming the last error', async () => {
    const clock = fakeClock();
    let calls = 0;
    const failure = await retry(
      async () => {
        calls += 1;
        throw new Error(`refused ${calls}`);
      },
      { timeoutMs: 1_000, initialDelayMs: 400, maxDelayMs: 400, clock },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryTimeout);
    expect((failure as RetryTimeout).attempts).toBe(4);
    expect((failure as Error).message).toMatch(/4 attempts in 1000 ms: refused 4$/);
    // The last pause is cut to what is left of the budget.
    expect(clock.pauses).toEqual([400, 400, 200]);
  });

  it('rethrows at once an error that is not worth retrying, and one thrown by afterFailure', async () => {
    const clock = fakeClock();
    const fatal = new Error('fatal');
    await expect(
      retry(
        async () => {
          throw fatal;
        },
        { timeoutMs: 1_000, shouldRetry: (error) => error !== fatal, clock },
      ),
    ).rejects.toBe(fatal);
    const stopped = new Error('container stopped');
    await expect(
      retry(
        async () => {
          throw new Error('refused');
        },
        {
          timeoutMs: 1_000,
          clock,
          afterFailure: () => {
            throw stopped;
          },
        },
      ),
    ).rejects.toBe(stopped);
    expect(clock.pauses).toEqual([]);
  });

  it('stops with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    let calls = 0;
    const outcome = retry(
      async () => {
        calls += 1;
        if (calls === 2) controller.abort(reason);
        throw new Error('refused');
      },
      { timeoutMs: 60_000, initialDelayMs: 1, signal: controller.signal },
    );
    await expect(outcome).rejects.toBe(reason);
    expect(calls).toBe(2);
  });
});
