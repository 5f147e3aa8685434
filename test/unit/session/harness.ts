/** A launch on the engine double, with a private state dir, cert dir and a clock that never waits. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RawSettings, parseSessionConfig } from '../../../src/core/config.js';
import { LABELS } from '../../../src/core/names.js';
import { launch } from '../../../src/session/launch.js';
import { teardown } from '../../../src/session/teardown.js';
import type { LaunchOptions, Session, SessionState } from '../../../src/session/types.js';
import type { Clock } from '../../../src/ports.js';
import { EngineDouble } from '../../support/engine-double.js';

export const IMAGE = 'secure-dind/runner-image:dev';
/** Where each launch's fake clock starts: the time its labels and deadline count from. */
export const START = Date.parse('2026-01-01T00:00:00Z');

/** Time that moves only when something sleeps, at once. */
export function fakeClock(): Clock {
  let now = START;
  return {
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      now += ms;
    },
  };
}

export function harness() {
  const engine = new EngineDouble({ images: [IMAGE] });
  const stateDir = mkdtempSync(join(tmpdir(), 'sd-unit-state-'));
  const certParentDir = mkdtempSync(join(tmpdir(), 'sd-unit-certs-'));
  const states: SessionState[] = [];
  const config = (raw: RawSettings = {}) =>
    parseSessionConfig({
      image: IMAGE,
      runtime: 'sysbox-runc',
      'cache-key': 'unit',
      'startup-timeout': '30s',
      // Generations do their file work on the host: integration tests cover them on real filesystems.
      'cache-store': 'off',
      ...raw,
    });
  return {
    engine,
    stateDir,
    certParentDir,
    /** Every state the launches handed to onState, in order. */
    states,
    /** now: when the launch happens (default START), e.g. after an earlier session's deadline. */
    launch: (raw: RawSettings = {}, options: LaunchOptions = {}, now?: Date) =>
      launch(
        config(raw),
        {
          certParentDir,
          clientPlacement: 'host',
          onState: (state) => void states.push(state),
          ...options,
        },
        {
          engine,
          stateDir,
          clock: fakeClock(),
          connectDaemon: engine.connectDaemon,
          ...(now ? { now: () => now } : {}),
        },
      ),
    teardown: (session: Session | SessionState) =>
      teardown(session, { engine, stateDir, connectDaemon: engine.connectDaemon }),
    /** What exists besides the spare networks no session leased (kept for the next launch). */
    leftovers: () =>
      engine.resources().filter((resource) => {
        const network =
          resource.startsWith('network ') && engine.networks.get(resource.slice('network '.length));
        const leased = network && existsSync(join(stateDir, 'network-leases', `${network.name}.json`));
        return !network || !network.labels[LABELS.pool] || leased;
      }),
  };
}
