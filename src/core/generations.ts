/**
 * Cache generations, pure. A session starts from a copy-on-write clone of its scope's latest
 * committed generation (else of the first fallback scope that has one); when its job succeeds its
 * copy becomes the scope's new latest (an atomic rename of the `latest` link: last write wins), and
 * a failed, cancelled or killed job's copy is discarded. The store's layout, per cache key and
 * scope (names hashed: keys and refs may hold characters paths may not):
 *
 *   <store>/k-<key digest>/s-<scope digest>/latest -> gen-<time>-<session>   (committed, never written)
 *                                          /gen-<time>-<session>            (a daemon's /var/lib/docker)
 *                                          /work-<session>                  (a running session's copy)
 *
 * Two layouts, chosen by the store's filesystem. On btrfs (with btrfs-progs) a copy is a subvolume
 * and a clone is a snapshot. Elsewhere (XFS, or btrfs without its tools) a copy is a sparse ext4
 * image file (work-<session>.img, loop-mounted on work-<session>) and a clone is a reflink copy of
 * that one file: constant time, where a reflink copy of the data root's tree costs time per file.
 *
 * The scripts below do the file work on the engine's host, as root: a faithful copy of a daemon's
 * data keeps every owner and overlayfs's trusted.* attributes (opaque directories), and images are
 * loop-mounted; only root on the host can do either.
 */
import { createHash } from 'node:crypto';

/** Where a session's cache comes from and goes to. `read[0]` is always `write`. */
export interface CacheScope {
  /** The one scope a successful job's cache is committed to. */
  readonly write: string;
  /** Scopes whose latest generation a session may start from, in order. */
  readonly read: readonly string[];
}

export const DEFAULT_SCOPE = 'default';
export const SCOPE_FORM = 'letters, digits and . _ : / @ + = - (at most 256 characters)';
const SCOPE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:/@+=-]{0,255}$/;

export function isScopeName(text: string): boolean {
  return SCOPE_NAME.test(text);
}

/** The scope a session writes, then the fallbacks it reads (duplicates dropped). */
export function cacheScope(write: string, fallbacks: readonly string[] = []): CacheScope {
  return { write, read: [...new Set([write, ...fallbacks])] };
}

/**
 * How a session keeps its cache: per-session clones committed as generations (the store clones
 * copy-on-write), slot volumes reused as they are left (any other filesystem), or none.
 */
export type CacheMode = 'generations' | 'slots' | 'off';

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** A scope's directory in the store (an absolute path on the engine's host). */
export function scopeDirectory(store: string, cacheKey: string, scope: string): string {
  return `${store.replace(/\/+$/, '')}/k-${digest(cacheKey)}/s-${digest(scope)}`;
}

export function workDirectoryName(sessionId: string): string {
  return `work-${sessionId}`;
}

/** Generation names sort by commit time, so that "older than mine" is a string comparison. */
export function generationName(sessionId: string, committedAt: Date): string {
  return `gen-${committedAt.toISOString().replace(/[-:.]/g, '')}-${sessionId}`;
}

/**
 * Checkout (arguments: session id, own scope directory, fallback scope directories): checks that
 * the store clones copy-on-write, then clones the first latest generation among the scopes into
 * the own scope's work-<session> (a fresh, empty copy when none has one). A generation is copied
 * under a shared lock, so that a commit's trim (exclusive lock) never removes it halfway; one
 * trimmed before the lock is taken is gone from its path (as is one of the other layout), and the
 * next latest is tried. An image's ext4 is as large as the store's filesystem (sparse: it takes
 * only what the daemon writes; deletions punch holes through `discard`).
 * Prints "mode=generations" and "from=<directory> <generation>", or "mode=slots" and "reason=...".
 */
export const CHECKOUT_SCRIPT = `set -eu
id=$1; own=$2; shift
mkdir -p "$own"
chmod 700 "$own"
kind=$(stat -f -c %T "$own" | sed 's,ext2/ext3,ext2/3/4,')
unusable() {
  # Nothing is left behind in a store that cannot hold generations.
  rmdir "$own" "\${own%/*}" 2>/dev/null || true
  echo mode=slots
  echo "reason=$1"
  exit 0
}
probe="$own/.probe-$id"
: > "$probe.a"
if ! cp --reflink=always "$probe.a" "$probe.b" 2>/dev/null; then
  rm -f "$probe.a" "$probe.b"
  unusable "the cache store's filesystem ($kind) cannot clone files copy-on-write"
fi
rm -f "$probe.a" "$probe.b"
if [ "$kind" = btrfs ] && command -v btrfs >/dev/null 2>&1; then layout=subvolumes
elif command -v mkfs.ext4 >/dev/null 2>&1; then layout=images
else unusable "generations on $kind keep each copy in an ext4 image: mkfs.ext4 is missing (Debian package e2fsprogs)"
fi
work="$own/work-$id"
rm -rf "$work.part"
from=
for dir in "$@"; do
  for attempt in 1 2 3; do
    gen=$(readlink "$dir/latest" 2>/dev/null) || break
    if flock -s "$dir/$gen" sh -c '
      if [ "$3" = subvolumes ]; then
        # A subvolume root has inode 256.
        [ -d "$1" ] && [ "$(stat -c %i "$1")" = 256 ] || exit 1
        btrfs subvolume snapshot "$1" "$2" >/dev/null
      else
        [ -f "$1" ] || exit 1
        cp --reflink=always "$1" "$2"
      fi' sh "$dir/$gen" "$work.part" "$layout" 2>/dev/null; then
      from="$dir $gen"
      break 2
    fi
    rm -rf "$work.part"
  done
done
if [ "$layout" = subvolumes ]; then
  [ -n "$from" ] || btrfs subvolume create "$work.part" >/dev/null
  mv -T "$work.part" "$work"
else
  if [ -z "$from" ]; then
    truncate -s "$(( $(stat -f -c '%b * %S' "$own") ))" "$work.part"
    mkfs.ext4 -q -F -m 0 -E lazy_itable_init=1,lazy_journal_init=1,nodiscard "$work.part" >/dev/null
  fi
  mv -T "$work.part" "$work.img"
  mkdir -p "$work"
  mount -t ext4 -o loop,discard,noinit_itable "$work.img" "$work"
fi
echo mode=generations
echo "from=$from"
`;

/**
 * Commit (arguments: session id, generation name, own scope directory): work-<session> becomes a
 * generation and the scope's latest (rename of a fresh link over `latest`: atomic, last write
 * wins). An image is unmounted first, which writes back what the stopped daemon left in memory; one
 * still attached to a loop device (mounted elsewhere) is not committed. Older generations no
 * checkout is copying go. Prints the new generation's size as "kib=N". Exits 3 when the session's
 * copy is not there.
 */
export const COMMIT_SCRIPT = `set -eu
id=$1; gen=$2; own=$3
work="$own/work-$id"
if [ -f "$work.img" ]; then
  if mountpoint -q "$work"; then umount "$work"; fi
  if [ -n "$(losetup -j "$work.img")" ]; then echo "session $id's image is still in use" >&2; exit 4; fi
  rmdir "$work"
  mv -T "$work.img" "$own/$gen"
else
  test -d "$work" || { echo "no copy of session $id in the store" >&2; exit 3; }
  mv -T "$work" "$own/$gen"
fi
ln -sfn "$gen" "$own/.latest-$id"
mv -T "$own/.latest-$id" "$own/latest"
for old in "$own"/gen-*; do
  name=\${old##*/}
  # Only older generations, and never the one a later commit made latest meanwhile.
  if [ "$name" != "$gen" ] && [ "$(printf '%s\\n%s\\n' "$name" "$gen" | sort | head -n 1)" = "$name" ]; then
    flock -n -x "$old" sh -c '[ "$(readlink "$1/latest")" = "$2" ] || { mv -T "$1/$2" "$1/.trash-$2" && rm -rf "$1/.trash-$2"; }' sh "$own" "$name" || true
  fi
done
echo "kib=$(du -sk "$own/$gen" | cut -f1)"
`;

/**
 * Discard (arguments: session id, own scope directory): the session's copy goes (an image is
 * unmounted first, lazily if something still holds it); nothing committed changes.
 */
export const DISCARD_SCRIPT = `set -eu
work="$2/work-$1"
if mountpoint -q "$work" 2>/dev/null; then umount "$work" 2>/dev/null || umount -l "$work"; fi
rm -rf "$work" "$work.part" "$work.img"
`;

/**
 * Evict (argument: the scope directory): a scope's committed generations go (the host budget), except one a checkout is copying.
 * Running sessions' copies are theirs and stay.
 */
export const EVICT_SCRIPT = `set -eu
own=$1
[ -d "$own" ] || exit 0
rm -f "$own/latest"
for old in "$own"/gen-*; do
  [ -e "$old" ] || continue
  name=\${old##*/}
  flock -n -x "$old" sh -c 'mv -T "$1/$2" "$1/.trash-$2" && rm -rf "$1/.trash-$2"' sh "$own" "$name" || true
done
`;

export type CheckoutResult =
  | {
      readonly mode: 'generations';
      readonly fromDirectory: string | undefined;
      readonly generation: string | undefined;
    }
  | { readonly mode: 'slots'; readonly reason: string };

/** Reads the checkout script's output; undefined when it is not what the script prints. */
export function parseCheckoutOutput(output: string): CheckoutResult | undefined {
  const fields = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const mode = fields.get('mode');
  if (mode === 'slots') return { mode, reason: fields.get('reason') ?? 'the store cannot clone' };
  if (mode !== 'generations' || !fields.has('from')) return undefined;
  const from = fields.get('from') ?? '';
  const at = from.lastIndexOf(' ');
  return at < 0
    ? { mode, fromDirectory: undefined, generation: undefined }
    : { mode, fromDirectory: from.slice(0, at), generation: from.slice(at + 1) };
}

/** The committed generation's size from the commit script's output, in bytes. */
export function parseCommitOutput(output: string): number | undefined {
  const match = /^kib=(\d+)$/m.exec(output);
  return match ? Number(match[1]) * 1024 : undefined;
}
