/**
 * The cache slot lease with real kernel locks (flock) on a temporary directory: a held slot is
 * never handed out twice, and a holder killed with SIGKILL leaves no lease behind.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leaseCacheSlot } from '../../../src/k8s/cache-lease.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-k8s-lease-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('leaseCacheSlot', () => {
  it('gives a held slot to nobody else, the next slot when there is one, and the slot back after release', async () => {
    const first = await leaseCacheSlot(dir, 1);
    expect(first?.slot).toBe(0);
    expect(first?.dir).toBe(join(dir, 'slot-0'));
    expect(await leaseCacheSlot(dir, 1)).toBeUndefined();
    const second = await leaseCacheSlot(dir, 2);
    expect(second?.slot).toBe(1);
    await first!.release();
    const again = await leaseCacheSlot(dir, 1);
    expect(again?.slot).toBe(0);
    await Promise.all([second!.release(), again!.release()]);
  });

  it('frees the slot when the process holding it is killed with SIGKILL', async () => {
    // Another process leases the slot, as a sidecar would, and says so.
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { leaseCacheSlot } from ${JSON.stringify(join(process.cwd(), 'src/k8s/cache-lease.ts'))};
         const lease = await leaseCacheSlot(${JSON.stringify(dir)}, 1);
         console.log(lease ? 'held' : 'busy');
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const said = await new Promise<string>((resolve) =>
        holder.stdout.once('data', (d: Buffer) => resolve(d.toString())),
      );
      expect(said.trim()).toBe('held');
      expect(await leaseCacheSlot(dir, 1)).toBeUndefined();
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
      // The lock goes when its `cat` sees the pipe close: a few milliseconds after the kill.
      let lease = await leaseCacheSlot(dir, 1);
      for (let i = 0; i < 50 && !lease; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        lease = await leaseCacheSlot(dir, 1);
      }
      expect(lease?.slot).toBe(0);
      await lease?.release();
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
