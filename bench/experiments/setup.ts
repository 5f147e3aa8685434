/**
 * Setup latency, from "start" to the first successful mutual-TLS request to the daemon:
 *   ours        launch(): checks, reaping, network, certificates, container, readiness;
 *   floor       the same image and runtime started bare, certificates made beforehand and bound in;
 *   dind-way    the same image left to make its own RSA-4096 certificates (DOCKER_TLS_CERTDIR, none
 *               given), client certificates shared through a bound directory as docker:dind's docs do.
 */
import type { LaunchPhase } from '../../src/session/types.js';
import {
  type BareNetwork,
  type FloorCerts,
  bareAddress,
  createBareNetwork,
  emptyClientDir,
  prepareFloorCerts,
  removeBare,
  removeBareNetwork,
  runBare,
  waitBareDaemon,
  waitClientCerts,
} from '../lib/bare-dind.js';
import type { BenchContext } from '../lib/context.js';
import type { Experiment, ExperimentOutcome } from '../lib/experiment.js';
import { type Samples, type Variant, alternate, formatMs, timed } from '../lib/measure.js';
import { type Figure, figure, medianRatio } from '../lib/report.js';
import { endSession, removeCacheVolumes, startSession } from '../lib/sessions.js';

interface SetupSample {
  readonly ms: number;
  readonly phases?: Readonly<Partial<Record<LaunchPhase, number>>>;
}

const PHASES: readonly LaunchPhase[] = ['preflight', 'reap', 'network', 'certs', 'container', 'ready'];

function oursVariant(ctx: BenchContext): Variant<SetupSample> {
  return {
    name: 'ours',
    async run(round) {
      const cacheKey = ctx.cacheKey(`setup-${round.index}`);
      try {
        const { value: session, ms } = await timed(() => startSession(ctx, { 'cache-key': cacheKey }));
        await endSession(ctx, session);
        return { ms, phases: session.timings };
      } finally {
        await removeCacheVolumes(ctx, cacheKey);
      }
    },
  };
}

function floorVariant(ctx: BenchContext, network: BareNetwork, certs: FloorCerts): Variant<SetupSample> {
  const ip = bareAddress(network, 2);
  return {
    name: 'floor',
    async run(round) {
      let id: string | undefined;
      try {
        const { ms } = await timed(async () => {
          id = await runBare(ctx, network, {
            name: `${ctx.prefix}-floor-${round.index}`,
            ip,
            binds: { [certs.serverDir]: '/certs/server:ro' },
          });
          await waitBareDaemon(ctx, id, ip, certs.client);
        });
        return { ms };
      } finally {
        if (id) await removeBare(ctx, id);
      }
    },
  };
}

function dindWayVariant(ctx: BenchContext, network: BareNetwork): Variant<SetupSample> {
  const ip = bareAddress(network, 3);
  return {
    name: 'dind-way',
    async run(round) {
      const clientDir = await emptyClientDir(ctx, `dind-client-${round.index}`);
      let id: string | undefined;
      try {
        const { ms } = await timed(async () => {
          id = await runBare(ctx, network, {
            name: `${ctx.prefix}-dind-${round.index}`,
            ip,
            binds: { [clientDir]: '/certs/client' },
          });
          const tls = await waitClientCerts(ctx, id, clientDir);
          await waitBareDaemon(ctx, id, ip, tls);
        });
        return { ms };
      } finally {
        if (id) await removeBare(ctx, id);
      }
    },
  };
}

function phaseFigures(samples: readonly SetupSample[]): Figure[] {
  return PHASES.map((phase) =>
    figure(
      `ours-phase-${phase}`,
      `  ours, phase ${phase}`,
      'ms',
      samples.map((s) => s.phases?.[phase] ?? Number.NaN),
    ),
  );
}

function setupOutcome(samples: Samples<SetupSample>, networkName: string): ExperimentOutcome {
  const ours = figure(
    'setup-ours',
    'secure-dind launch()',
    'ms',
    samples.ours!.map((s) => s.ms),
  );
  const floor = figure(
    'setup-floor',
    'floor: bare run, certs made beforehand',
    'ms',
    samples.floor!.map((s) => s.ms),
  );
  const dind = figure(
    'setup-dind-way',
    'docker:dind way: self-made RSA-4096 certs',
    'ms',
    samples['dind-way']!.map((s) => s.ms),
  );
  const oursOverFloor = medianRatio('setup-ours/floor', 'setup: ours / floor', ours, floor);
  const oursOverDind = medianRatio('setup-ours/dind-way', 'setup: ours / docker:dind way', ours, dind);
  return {
    method: [
      'Clock from the first call (launch(), or the engine API create of the bare container) to the first mTLS /_ping + /version that answers.',
      'floor and docker:dind way: the same image and runtime, created and started through the engine API (what `docker run -d` does), ' +
        `on a benchmark network (${networkName}), inner bridge pinned with --bip; polled with waitForDaemon, the function launch() uses for readiness.`,
      'floor: ECDSA certificates made before the clock starts and bound at /certs/server (read-only).',
      'docker:dind way: DOCKER_TLS_CERTDIR=/certs with no certificates: the entrypoint makes RSA-4096 CA, server and client keys; ' +
        'an empty host directory bound at /certs/client is polled every 100 ms until cert.pem is final (0644), then the daemon is polled.',
      'ours: launch() with the product defaults (cache on, a fresh cache key per run, so an empty volume like the others; ' +
        'clientPlacement "host"); teardown is not timed.',
    ],
    figures: [ours, ...phaseFigures(samples.ours!), floor, dind],
    ratios: [oursOverFloor, oursOverDind],
    targets: [
      {
        id: 'setup-floor',
        goal: 'setup: ours / floor <= 1.10',
        measured: oursOverFloor.value.toFixed(2),
        met: oursOverFloor.value <= 1.1,
      },
      {
        id: 'setup-dind-way',
        goal: 'setup: ours faster than the docker:dind way',
        measured: `${oursOverDind.value.toFixed(2)} (ratio)`,
        met: oursOverDind.value < 1,
      },
    ],
    findings: [],
  };
}

async function run(ctx: BenchContext): Promise<ExperimentOutcome> {
  const network = await createBareNetwork(ctx);
  try {
    const floorCerts = await prepareFloorCerts(ctx, [bareAddress(network, 2)]);
    const samples = await alternate(
      [oursVariant(ctx), floorVariant(ctx, network, floorCerts), dindWayVariant(ctx, network)],
      ctx.schedule,
      { progress: (line) => ctx.progress(`setup ${line}`), describe: (sample) => formatMs(sample.ms) },
    );
    return setupOutcome(samples, network.name);
  } finally {
    await removeBareNetwork(ctx, network);
  }
}

export const setupExperiment: Experiment = {
  id: 'setup',
  title: 'Setup latency: start to first successful mTLS request',
  run,
};
