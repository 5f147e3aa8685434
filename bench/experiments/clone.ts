/**
 * What a session's cache checkout costs: the copy-on-write clone of a scope's latest generation,
 * against the generation's size, on btrfs, XFS and ext4 (where the product falls back to cache
 * slots, and a plain copy is what a clone would cost without copy-on-write). Each filesystem is a
 * loop-mounted image the run makes and removes; the generation is written straight into the store
 * layout, shaped like a Docker data root.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheScope, generationName, scopeDirectory, workDirectoryName } from '../../src/core/generations.js';
import {
  type GenerationPlace,
  checkoutGeneration,
  commitGeneration,
  discardGeneration,
} from '../../src/session/generations.js';
import type { BenchContext } from '../lib/context.js';
import type { Experiment, ExperimentOutcome } from '../lib/experiment.js';
import { type LoopFs, type LoopFsKind, missingMkfs, mountLoopFs } from '../../test/support/loop-fs.js';
import { type Samples, type Variant, alternate, formatMs, timed } from '../lib/measure.js';
import { type Figure, type Ratio, figure, medianRatio } from '../lib/report.js';

const execFileAsync = promisify(execFile);

const MIB = 1024 ** 2;
const FILESYSTEMS: readonly LoopFsKind[] = ['btrfs', 'xfs', 'ext4'];
/** The kinds the product clones on; any other store falls back to cache slots. */
const CLONING: ReadonlySet<LoopFsKind> = new Set(['btrfs', 'xfs']);
/** Generation sizes: quick mode keeps CI's run short; full mode is the issue's multi-GB case. */
const QUICK_SIZES_MIB = [256];
const FULL_SIZES_MIB = [1024, 4096];
/** The target: a multi-GB generation clones in under a second on a cloning store. */
const TARGET_MS = 1000;

/**
 * The generation's shape: layers of an overlay2 data root, each a nested tree of small files owned
 * by a user-namespaced daemon's ids (the same count at every size: clone time goes with files and
 * extents, not bytes), a few whiteouts (character devices 0/0, which the copy needs root to
 * copy), and content-store blobs making up the rest of the size.
 */
const LAYERS = 200;
const PACKAGES_PER_LAYER = 10;
const FILES_PER_PACKAGE = 10;
const WHITEOUTS = 20;
const SMALL_FILE_MAX_KIB = 8;
const BLOB_MIB = 64;
/** Files inside a layer belong to uids from here on, as a daemon in a user namespace leaves them. */
const MAPPED_ROOT_UID = 100_000;
const OWNERS = 64;
/** Small files are written this many at a time (the thread pool does the system calls). */
const WRITE_BATCH = 256;

interface SeedGeneration {
  readonly name: string;
  /** The data root as a directory tree, which the host's plain copy copies. */
  readonly tree: string;
  readonly files: number;
  readonly blobs: number;
  /** A small file (relative to the generation) and the uid it has: a clone must keep it. */
  readonly ownedFile: string;
  readonly ownedUid: number;
}

function sizeLabel(sizeMiB: number): string {
  return sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`;
}

function hexId(): string {
  return randomBytes(32).toString('hex');
}

/** Small files of every layer; returns their count and bytes. */
async function writeLayers(root: string): Promise<{ files: number; bytes: number; ownedFile: string }> {
  // A clone shares extents whatever they hold: one buffer serves every file.
  const content = randomBytes(SMALL_FILE_MAX_KIB * 1024);
  const pending: (() => Promise<void>)[] = [];
  const whiteouts: string[] = [];
  let bytes = 0;
  let ownedFile = '';
  for (let layer = 0; layer < LAYERS; layer++) {
    const id = hexId();
    const diff = join('overlay2', id, 'diff');
    await mkdir(join(root, 'image/overlay2/layerdb/sha256', id), { recursive: true });
    for (const [file, text] of [
      ['cache-id', id],
      ['diff', `sha256:${hexId()}`],
      ['size', String(layer * 4096)],
    ] as const) {
      pending.push(() => writeFile(join(root, 'image/overlay2/layerdb/sha256', id, file), text));
    }
    for (let pkg = 0; pkg < PACKAGES_PER_LAYER; pkg++) {
      const dir = join(diff, 'usr/share/doc', `pkg-${layer}-${pkg}`);
      await mkdir(join(root, dir), { recursive: true });
      for (let n = 0; n < FILES_PER_PACKAGE; n++) {
        const file = join(dir, `file-${n}`);
        const size = (((layer + pkg * 7 + n * 13) % SMALL_FILE_MAX_KIB) + 1) * 1024 - 100;
        const uid = MAPPED_ROOT_UID + ((layer + n) % OWNERS);
        bytes += size;
        // The file a clone is checked on has an owner of its own (not its directory's).
        if (!ownedFile && uid !== MAPPED_ROOT_UID) ownedFile = file;
        pending.push(async () => {
          await writeFile(join(root, file), content.subarray(0, size));
          await chown(join(root, file), uid, uid);
        });
      }
    }
    if (whiteouts.length < WHITEOUTS) whiteouts.push(join(root, diff, 'usr/share/doc', `removed-${layer}`));
  }
  for (let start = 0; start < pending.length; start += WRITE_BATCH) {
    await Promise.all(pending.slice(start, start + WRITE_BATCH).map((write) => write()));
  }
  await execFileAsync('sh', ['-c', 'for path; do mknod "$path" c 0 0; done', 'sh', ...whiteouts]);
  // The layers' directories belong to the mapped root, as the daemon made them.
  const mappedRoot = `${MAPPED_ROOT_UID}:${MAPPED_ROOT_UID}`;
  await execFileAsync('find', [
    join(root, 'overlay2'),
    '-type',
    'd',
    '-exec',
    'chown',
    mappedRoot,
    '{}',
    '+',
  ]);
  return { files: pending.length + whiteouts.length, bytes, ownedFile };
}

/** Content-store blobs (allocated blocks, written from /dev/zero) up to `bytes`; returns their count. */
async function writeBlobs(root: string, bytes: number): Promise<number> {
  const dir = join(root, 'containerd/daemon/io.containerd.content.v1.content/blobs/sha256');
  await mkdir(dir, { recursive: true });
  let blobs = 0;
  for (let left = Math.floor(bytes / MIB); left > 0; left -= BLOB_MIB) {
    const count = String(Math.min(BLOB_MIB, left));
    await execFileAsync('dd', [
      'if=/dev/zero',
      `of=${join(dir, hexId())}`,
      'bs=1M',
      `count=${count}`,
      'status=none',
    ]);
    blobs++;
  }
  return blobs;
}

/** A data root of `sizeMiB` written into `root` (an existing directory). */
async function writeDataRoot(root: string, sizeMiB: number): Promise<Omit<SeedGeneration, 'name' | 'tree'>> {
  const layers = await writeLayers(root);
  const blobs = await writeBlobs(root, sizeMiB * MIB - layers.bytes);
  const { uid } = await stat(join(root, layers.ownedFile));
  return { files: layers.files + blobs, blobs, ownedFile: layers.ownedFile, ownedUid: uid };
}

/**
 * A committed generation of `sizeMiB` in the place's scope. Where the store clones, the product
 * makes it: a checkout of an empty scope (a btrfs subvolume, or an ext4 image elsewhere), the data
 * root written into the copy, a commit. On ext4 (slots: the product keeps no generations) a plain
 * directory, linked as `latest` the way COMMIT_SCRIPT does, so a full copy has something to copy.
 */
async function makeGeneration(
  place: GenerationPlace,
  sizeMiB: number,
  kind: LoopFsKind,
): Promise<SeedGeneration> {
  const scopeDir = scopeDirectory(place.store, place.cacheKey, place.scope.write);
  if (!CLONING.has(kind)) {
    const name = generationName('seed', new Date());
    const root = join(scopeDir, name);
    await mkdir(root, { recursive: true, mode: 0o710 });
    const written = await writeDataRoot(root, sizeMiB);
    await symlink(name, join(scopeDir, 'latest'));
    return { name, tree: root, ...written };
  }
  const checkout = await checkoutGeneration(place, 'seed');
  if (checkout.mode !== 'generations') throw new Error(`no generations on ${kind}: ${checkout.reason}`);
  // On btrfs a generation is a subvolume, which the host's plain copy reads as it is; on XFS it
  // is an image, so the tree is written beside the store for the host's copy and copied into it.
  const tree = kind === 'btrfs' ? checkout.workDir : join(place.store, 'tree');
  if (tree !== checkout.workDir) await mkdir(tree, { mode: 0o710 });
  const written = await writeDataRoot(tree, sizeMiB);
  if (tree !== checkout.workDir) await execFileAsync('cp', ['-a', `${tree}/.`, checkout.workDir]);
  const committedAt = new Date();
  await commitGeneration(place, 'seed', committedAt);
  const name = generationName('seed', committedAt);
  return { name, tree: tree === checkout.workDir ? join(scopeDir, name) : tree, ...written };
}

interface CloneSample {
  readonly ms: number;
  /** What the clone added to the filesystem's used space (after a sync). */
  readonly spaceBytes: number;
  /** "generations" or "slots" for a checkout; "reflink" or "full copy" for the host's own cp. */
  readonly mode: string;
  readonly reason?: string;
  /** Whether the clone kept a small file's owner (undefined: nothing was cloned). */
  readonly ownersKept?: boolean;
}

/** One measured clone into the session's work directory, then discarded through the product. */
async function measureClone(
  ctx: BenchContext,
  fs: LoopFs,
  place: GenerationPlace,
  seed: SeedGeneration,
  sessionId: string,
  clone: () => Promise<{ mode: string; reason?: string }>,
): Promise<CloneSample> {
  const workDir = join(
    scopeDirectory(place.store, place.cacheKey, place.scope.write),
    workDirectoryName(sessionId),
  );
  const usedBefore = await fs.usedBytes();
  try {
    const { value, ms } = await timed(clone);
    await fs.sync();
    const spaceBytes = (await fs.usedBytes()) - usedBefore;
    const owner = await stat(join(workDir, seed.ownedFile)).then(
      (stats) => stats.uid,
      () => undefined,
    );
    return {
      ms,
      spaceBytes,
      ...value,
      ownersKept: owner === undefined ? undefined : owner === seed.ownedUid,
    };
  } finally {
    await discardGeneration(place, sessionId);
    // The next round starts on a settled filesystem, not one still writing back this clone's removal.
    await fs.sync();
  }
}

interface FilesystemRun {
  readonly kind: LoopFsKind;
  readonly sizeMiB: number;
  readonly seed: SeedGeneration;
  readonly seedMs: number;
  readonly seedSpaceBytes: number;
  readonly samples: Samples<CloneSample>;
}

/** A fresh filesystem of `kind`, a generation of `sizeMiB` in it, and the two clones alternating. */
async function measureFilesystem(
  ctx: BenchContext,
  kind: LoopFsKind,
  sizeMiB: number,
): Promise<FilesystemRun> {
  // Room for the generation and one full copy of it (ext4), or its tree beside it (XFS), with slack.
  const fs = await mountLoopFs(ctx.workDir, kind, 2 * sizeMiB + 2048);
  try {
    const place: GenerationPlace = {
      store: fs.dir,
      cacheKey: ctx.cacheKey('clone'),
      scope: cacheScope('bench'),
    };
    const scopeDir = scopeDirectory(place.store, place.cacheKey, place.scope.write);
    const emptyBytes = await fs.usedBytes();
    const { value: seed, ms: seedMs } = await timed(async () => {
      const made = await makeGeneration(place, sizeMiB, kind);
      // Committed generations are long settled: a clone must not pay for writing the seed back.
      await fs.sync();
      return made;
    });
    const seedSpaceBytes = (await fs.usedBytes()) - emptyBytes;
    const tag = `${kind} ${sizeLabel(sizeMiB)}`;
    ctx.progress(
      `clone ${tag}: generation of ${seed.files} files made in ${formatMs(seedMs)}, ${(seedSpaceBytes / MIB).toFixed(0)} MiB used`,
    );
    const sessionId = (variant: string, index: number) =>
      `${ctx.prefix}-clone-${kind}-${sizeMiB}-${variant}-${index}`;
    const copyArgs = CLONING.has(kind) ? ['-a', '--reflink=always'] : ['-a'];
    const variants: Variant<CloneSample>[] = [
      {
        name: 'checkout',
        run: (round) => {
          const id = sessionId('checkout', round.index);
          return measureClone(ctx, fs, place, seed, id, () => checkoutGeneration(place, id));
        },
      },
      {
        name: 'host',
        run: (round) => {
          const id = sessionId('host', round.index);
          const target = join(scopeDir, workDirectoryName(id));
          return measureClone(ctx, fs, place, seed, id, async () => {
            await execFileAsync('cp', [...copyArgs, `${seed.tree}/.`, target]);
            return { mode: CLONING.has(kind) ? 'reflink' : 'full copy' };
          });
        },
      },
    ];
    const samples = await alternate(variants, ctx.schedule, {
      progress: (line) => ctx.progress(`clone ${tag} ${line}`),
      describe: (sample) =>
        `${formatMs(sample.ms)}, ${sample.mode}, ${(sample.spaceBytes / MIB).toFixed(1)} MiB more used`,
    });
    for (const sample of samples.checkout!) {
      const expected = CLONING.has(kind) ? 'generations' : 'slots';
      if (sample.mode !== expected) {
        throw new Error(
          `checkoutGeneration on ${kind} reported mode "${sample.mode}", not "${expected}"${sample.reason ? `: ${sample.reason}` : ''}`,
        );
      }
    }
    return { kind, sizeMiB, seed, seedMs, seedSpaceBytes, samples };
  } finally {
    await fs.release();
  }
}

function figuresOf(run: FilesystemRun): { checkout: Figure; host: Figure; space: Figure } {
  const where = `${run.kind}, ${sizeLabel(run.sizeMiB)}`;
  const cloning = CLONING.has(run.kind);
  const id = `clone-${run.kind}-${run.sizeMiB}`;
  return {
    checkout: figure(
      `${id}-checkout`,
      cloning
        ? `${where}: checkoutGeneration() (the product: probe, lock, ${run.kind === 'btrfs' ? 'subvolume snapshot' : 'reflink copy of the ext4 image, loop mount'})`
        : `${where}: checkoutGeneration() (probe only: reports slots)`,
      'ms',
      run.samples.checkout!.map((s) => s.ms),
    ),
    host: figure(
      `${id}-host`,
      cloning ? `${where}: cp -a --reflink=always on the host` : `${where}: cp -a on the host (a full copy)`,
      'ms',
      run.samples.host!.map((s) => s.ms),
    ),
    space: figure(
      `${id}-space`,
      `  ${where}: space a host clone takes (df after sync)`,
      'MiB',
      run.samples.host!.map((s) => s.spaceBytes / MIB),
    ),
  };
}

function cloneOutcome(
  runs: readonly FilesystemRun[],
  skipped: readonly string[],
  sizesMiB: readonly number[],
  quick: boolean,
): ExperimentOutcome {
  const byRun = runs.map((run) => ({ run, figures: figuresOf(run) }));
  const find = (kind: LoopFsKind, sizeMiB: number) =>
    byRun.find((entry) => entry.run.kind === kind && entry.run.sizeMiB === sizeMiB)?.figures;
  const ratios: Ratio[] = [];
  for (const sizeMiB of sizesMiB) {
    const copy = find('ext4', sizeMiB);
    for (const kind of CLONING) {
      const clone = find(kind, sizeMiB);
      if (copy && clone) {
        ratios.push(
          medianRatio(
            `clone-copy-vs-${kind}-${sizeMiB}`,
            `${sizeLabel(sizeMiB)}: ext4 full copy / ${kind} clone`,
            copy.host,
            clone.host,
          ),
        );
      }
    }
  }
  const largest = Math.max(...sizesMiB);
  const judged = [...CLONING].map((kind) => ({ kind, figures: find(kind, largest) }));
  const measured = judged
    .map(({ kind, figures }) =>
      figures
        ? `${kind} ${formatMs(figures.checkout.summary.median)} (a plain reflink copy ${formatMs(figures.host.summary.median)})`
        : `${kind} not measured`,
    )
    .join(', ');
  const findings = [
    ...skipped,
    ...runs.map(
      ({ kind, sizeMiB, seed, seedMs, seedSpaceBytes }) =>
        `${kind}, ${sizeLabel(sizeMiB)}: the generation holds ${seed.files} files (${seed.blobs} blob(s)), takes ${(seedSpaceBytes / MIB).toFixed(0)} MiB, made in ${formatMs(seedMs)}`,
    ),
    ...runs.map(({ kind, sizeMiB, samples }) => {
      const checkouts = samples.checkout!;
      const kept = [...checkouts, ...samples.host!].filter((s) => s.ownersKept === true).length;
      const cloned = [...checkouts, ...samples.host!].filter((s) => s.ownersKept !== undefined).length;
      const mode = checkouts[0]?.reason
        ? `mode "${checkouts[0].mode}" (${checkouts[0].reason})`
        : `mode "${checkouts[0]?.mode ?? 'n/a'}"`;
      return `${kind}, ${sizeLabel(sizeMiB)}: checkoutGeneration() reported ${mode}; ${kept}/${cloned} clone(s) kept the files' owners`;
    }),
    // Clone time goes with the number of files (each is opened, cloned, chowned, stamped), not their bytes.
    ...byRun
      .filter(({ run }) => CLONING.has(run.kind))
      .map(
        ({ run, figures }) =>
          `${run.kind}, ${sizeLabel(run.sizeMiB)}: the host clone costs ${Math.round((figures.host.summary.median * 1000) / run.seed.files)} µs per file (median / ${run.seed.files} files)`,
      ),
  ];
  return {
    method: [
      `Per filesystem (${FILESYSTEMS.join(', ')}) and generation size (${sizesMiB.map(sizeLabel).join(', ')}): a fresh sparse image under the run's scratch directory, mkfs, mounted through a loop device on the engine's host, used as the cache store.`,
      `A committed generation shaped like a Docker data root: ${LAYERS} overlay2 layers of ${PACKAGES_PER_LAYER * FILES_PER_PACKAGE} small files (1-${SMALL_FILE_MAX_KIB} KiB) in nested directories owned by uids ${MAPPED_ROOT_UID}-${MAPPED_ROOT_UID + OWNERS - 1}, their layerdb records, ${WHITEOUTS} whiteouts (character devices 0/0), and ${BLOB_MIB} MiB content-store blobs (dd from /dev/zero: allocated blocks) making up the size; then synced. On btrfs and XFS the product makes it (checkoutGeneration() of an empty scope, the tree written into the copy, commitGeneration()): a subvolume on btrfs, an ext4 image on XFS, where the same tree is also written as a plain directory beside the store for the host's copy (so the seed's space counts both). On ext4 a plain directory linked as \`latest\`.`,
      'Two clones alternate each round: checkoutGeneration() end to end (the product: CHECKOUT_SCRIPT on the host, with its reflink probe and shared lock; on btrfs a subvolume snapshot, on XFS a reflink copy of the one image file of the generation and its loop mount), and a plain copy of the tree of the data root on the host (`cp -a --reflink=always`, the per-file cost a tree of generations would pay; on ext4 `cp -a`, the full copy a clone costs without copy-on-write). Space: the used blocks (statfs, as df) after a sync, against before. discardGeneration() removes each clone, and the filesystem is synced, before the next.',
      'The product falls back to cache slots on ext4: there checkoutGeneration() only probes (and must report mode "slots").',
    ],
    figures: byRun.flatMap(({ figures }) => [figures.checkout, figures.host, figures.space]),
    ratios,
    targets: [
      {
        id: 'clone-multi-gb',
        goal: quick
          ? `clone of a ${sizeLabel(largest)} generation on btrfs/XFS < 1 s (quick mode; the multi-GB case is full mode's)`
          : 'clone of a multi-GB generation on btrfs/XFS < 1 s',
        measured: `${sizeLabel(largest)}: ${measured}`,
        met: judged.every(
          ({ figures }) => figures !== undefined && figures.checkout.summary.median < TARGET_MS,
        ),
      },
    ],
    findings,
  };
}

async function run(ctx: BenchContext): Promise<ExperimentOutcome> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "the clone experiment mounts loop filesystems: run the benchmark as root on the engine's host",
    );
  }
  const sizesMiB = ctx.quick ? QUICK_SIZES_MIB : FULL_SIZES_MIB;
  const skipped: string[] = [];
  const runs: FilesystemRun[] = [];
  for (const kind of FILESYSTEMS) {
    const missing = await missingMkfs(kind);
    if (missing) {
      skipped.push(`${kind} NOT MEASURED: ${missing}`);
      ctx.progress(`clone ${kind} skipped: ${missing}`);
      continue;
    }
    for (const sizeMiB of sizesMiB) runs.push(await measureFilesystem(ctx, kind, sizeMiB));
  }
  return cloneOutcome(runs, skipped, sizesMiB, ctx.quick);
}

export const cloneExperiment: Experiment = {
  id: 'clone',
  title: 'Cache checkout: copy-on-write clone of a generation against its size (btrfs, XFS, ext4 fallback)',
  run,
};
