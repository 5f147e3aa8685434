/**
 * Cold sessions (each on a fresh cache volume) pulling one image, with and without the per-host
 * registry mirror: pull time and what the upstream registry served. A local registry stands in for
 * Docker Hub (its access log counts blob downloads and their bytes).
 */
import { parseMirrorOptions } from '../../src/core/mirror.js';
import { mirrorDown, mirrorStatus, mirrorUp } from '../../src/session/mirror-service.js';
import { innerDocker } from '../../test/support/inner.js';
import { type UpstreamRegistry, startUpstreamRegistry } from '../../test/support/upstream-registry.js';
import { BASE_IMAGE, BUSYBOX_IMAGE, type BenchContext } from '../lib/context.js';
import type { Experiment, ExperimentOutcome } from '../lib/experiment.js';
import { type Round, type Variant, alternate, formatMs, timed } from '../lib/measure.js';
import { figure, medianRatio } from '../lib/report.js';
import { removeCacheVolumes, withSession } from '../lib/sessions.js';

const MIRROR_IMAGE = 'secure-dind/mirror:dev';
const MIB = 1024 ** 2;

interface PullSample {
  readonly ms: number;
  /** Blob downloads the upstream served during this session's pull, and their bytes. */
  readonly upstreamBlobs: number;
  readonly upstreamBytes: number;
}

/** One cold session: a new cache key, one pull, teardown, the volume removed. */
async function coldPull(
  ctx: BenchContext,
  upstream: UpstreamRegistry,
  name: string,
  settings: { 'registry-mirror': string; 'daemon-config'?: string },
  reference: string,
): Promise<PullSample> {
  const cacheKey = ctx.cacheKey(`mirror-${name}`);
  try {
    const before = await upstream.blobFetches();
    const { ms } = await withSession(ctx, { 'cache-key': cacheKey, ...settings }, (session) =>
      timed(() => innerDocker(session.env, ['pull', '--quiet', reference], 600_000)),
    );
    const after = await upstream.blobFetches();
    return { ms, upstreamBlobs: after.count - before.count, upstreamBytes: after.bytes - before.bytes };
  } finally {
    await removeCacheVolumes(ctx, cacheKey);
  }
}

function describeSample(sample: PullSample): string {
  return `${formatMs(sample.ms)}, ${sample.upstreamBlobs} blob(s) ${(sample.upstreamBytes / MIB).toFixed(1)} MiB from upstream`;
}

async function run(ctx: BenchContext): Promise<ExperimentOutcome> {
  if ((await mirrorStatus(ctx.engine)).state !== 'absent') {
    throw new Error('a registry mirror already runs on this engine; the benchmark does not replace it');
  }
  const source = ctx.quick ? BUSYBOX_IMAGE : BASE_IMAGE;
  // Docker Hub style: a daemon sends only Docker Hub pulls to its mirror.
  const image = `${ctx.prefix}/pull:v1`;
  const upstream = await startUpstreamRegistry();
  try {
    await upstream.push(source, image);
    const upstreamHost = new URL(upstream.url).host;
    await mirrorUp(ctx.engine, parseMirrorOptions({ image: MIRROR_IMAGE, upstream: upstream.url }));
    const throughMirror = (round: Round | 'first') =>
      coldPull(
        ctx,
        upstream,
        `mirror-${round === 'first' ? 'first' : round.index}`,
        { 'registry-mirror': 'auto' },
        image,
      );
    // The first pull through the empty mirror fills it; the counted ones find it filled.
    const first = await throughMirror('first');
    ctx.progress(`mirror first (empty mirror): ${describeSample(first)}`);
    const variants: Variant<PullSample>[] = [
      {
        name: 'direct',
        run: (round) =>
          coldPull(
            ctx,
            upstream,
            `direct-${round.index}`,
            {
              'registry-mirror': 'off',
              'daemon-config': JSON.stringify({ 'insecure-registries': [upstreamHost] }),
            },
            `${upstreamHost}/${image}`,
          ),
      },
      { name: 'mirror', run: throughMirror },
    ];
    const samples = await alternate(variants, ctx.schedule, {
      progress: (line) => ctx.progress(`mirror ${line}`),
      describe: describeSample,
    });
    return mirrorOutcome(source, first, samples.direct!, samples.mirror!);
  } finally {
    await mirrorDown(ctx.engine, true);
    await upstream.dispose();
  }
}

function mirrorOutcome(
  source: string,
  first: PullSample,
  direct: readonly PullSample[],
  mirrored: readonly PullSample[],
): ExperimentOutcome {
  const time = (id: string, label: string, samples: readonly PullSample[]) =>
    figure(
      id,
      label,
      'ms',
      samples.map((s) => s.ms),
    );
  const bytes = (id: string, label: string, samples: readonly PullSample[]) =>
    figure(
      id,
      label,
      'MiB',
      samples.map((s) => s.upstreamBytes / MIB),
    );
  const directTime = time('mirror-pull-direct', 'cold session pull, no mirror', direct);
  const mirrorTime = time('mirror-pull-mirror', 'cold session pull, through the filled mirror', mirrored);
  const firstTime = time('mirror-pull-first', 'cold session pull, through the empty mirror', [first]);
  const blobsAfterFirst = mirrored.reduce((sum, s) => sum + s.upstreamBlobs, 0);
  return {
    method: [
      `A local registry (Debian's docker-registry) stands in for Docker Hub and holds ${source} as a Docker Hub style name; its access log counts the blob downloads (GET …/blobs/sha256:… answered 200) and their bytes.`,
      '`secure-dind mirror up` runs the mirror with that registry as its upstream. Every session is cold: a new cache key, so a new volume and an empty daemon. Timed: `docker pull` inside the session.',
      'One first session fills the empty mirror; then, alternating, a session without the mirror (registry-mirror off, pulling from the upstream by its address) and one with registry-mirror auto.',
    ],
    figures: [
      directTime,
      mirrorTime,
      firstTime,
      bytes('mirror-upstream-direct', '  upstream bytes per cold pull, no mirror', direct),
      bytes('mirror-upstream-mirror', '  upstream bytes per cold pull, filled mirror', mirrored),
      bytes('mirror-upstream-first', '  upstream bytes, the pull that filled the mirror', [first]),
    ],
    ratios: [
      medianRatio(
        'mirror-pull-ratio',
        'pull through the mirror / pull from upstream',
        mirrorTime,
        directTime,
      ),
    ],
    targets: [
      {
        id: 'mirror-zero-upstream',
        goal: 'cold sessions after the first fetch no blob from upstream',
        measured: `${blobsAfterFirst} blob(s) over ${mirrored.length} session(s); the first fetched ${first.upstreamBlobs}`,
        met: blobsAfterFirst === 0 && first.upstreamBlobs > 0,
      },
    ],
    findings: [
      `the pull that filled the mirror fetched ${first.upstreamBlobs} blob(s), ${(first.upstreamBytes / MIB).toFixed(1)} MiB, from upstream; a pull without the mirror ${direct[0]?.upstreamBlobs ?? 0}: ` +
        "distribution 2.8's proxy, on a miss, streams a blob to the client and fetches it again to store it",
    ],
  };
}

export const mirrorExperiment: Experiment = {
  id: 'mirror',
  title: 'Cold session pulls with and without the per-host registry mirror',
  run,
};
