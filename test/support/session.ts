/** Test defaults for sessions on the development engine. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RawSettings, parseSessionConfig } from '../../src/core/config.js';
import { RUNNER_IMAGE, TEST_RUNTIME } from './engine.js';

/**
 * A config on runner-image and the test runtime, with short timeouts. The generation store is off
 * (slot volumes) unless a test sets cache-store: only generations.test.ts gives it a real XFS/btrfs.
 */
export function testConfig(raw: RawSettings = {}) {
  return parseSessionConfig({
    image: RUNNER_IMAGE,
    runtime: TEST_RUNTIME,
    'startup-timeout': '90s',
    'stop-timeout': '10s',
    'cache-store': 'off',
    ...raw,
  });
}

/** A private state directory, so tests never share cache-use records with the host's. */
export function testStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'sd-test-state-'));
}
