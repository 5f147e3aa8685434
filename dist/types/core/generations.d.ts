/** Where a session's cache comes from and goes to. `read[0]` is always `write`. */
export interface CacheScope {
    /** The one scope a successful job's cache is committed to. */
    readonly write: string;
    /** Scopes whose latest generation a session may start from, in order. */
    readonly read: readonly string[];
}
export declare const DEFAULT_SCOPE = "default";
export declare const SCOPE_FORM = "letters, digits and . _ : / @ + = - (at most 256 characters)";
export declare function isScopeName(text: string): boolean;
/** The scope a session writes, then the fallbacks it reads (duplicates dropped). */
export declare function cacheScope(write: string, fallbacks?: readonly string[]): CacheScope;
/**
 * How a session keeps its cache: per-session clones committed as generations (the store clones
 * copy-on-write), slot volumes reused as they are left (any other filesystem), or none.
 */
export type CacheMode = 'generations' | 'slots' | 'off';
/** A scope's directory in the store (an absolute path on the engine's host). */
export declare function scopeDirectory(store: string, cacheKey: string, scope: string): string;
export declare function workDirectoryName(sessionId: string): string;
/** Generation names sort by commit time, so that "older than mine" is a string comparison. */
export declare function generationName(sessionId: string, committedAt: Date): string;
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
export declare const CHECKOUT_SCRIPT = "set -eu\nid=$1; own=$2; shift\nmkdir -p \"$own\"\nchmod 700 \"$own\"\nkind=$(stat -f -c %T \"$own\" | sed 's,ext2/ext3,ext2/3/4,')\nunusable() {\n  # Nothing is left behind in a store that cannot hold generations.\n  rmdir \"$own\" \"${own%/*}\" 2>/dev/null || true\n  echo mode=slots\n  echo \"reason=$1\"\n  exit 0\n}\nprobe=\"$own/.probe-$id\"\n: > \"$probe.a\"\nif ! cp --reflink=always \"$probe.a\" \"$probe.b\" 2>/dev/null; then\n  rm -f \"$probe.a\" \"$probe.b\"\n  unusable \"the cache store's filesystem ($kind) cannot clone files copy-on-write\"\nfi\nrm -f \"$probe.a\" \"$probe.b\"\nif [ \"$kind\" = btrfs ] && command -v btrfs >/dev/null 2>&1; then layout=subvolumes\nelif command -v mkfs.ext4 >/dev/null 2>&1; then layout=images\nelse unusable \"generations on $kind keep each copy in an ext4 image: mkfs.ext4 is missing (Debian package e2fsprogs)\"\nfi\nwork=\"$own/work-$id\"\nrm -rf \"$work.part\"\nfrom=\nfor dir in \"$@\"; do\n  for attempt in 1 2 3; do\n    gen=$(readlink \"$dir/latest\" 2>/dev/null) || break\n    if flock -s \"$dir/$gen\" sh -c '\n      if [ \"$3\" = subvolumes ]; then\n        # A subvolume root has inode 256.\n        [ -d \"$1\" ] && [ \"$(stat -c %i \"$1\")\" = 256 ] || exit 1\n        btrfs subvolume snapshot \"$1\" \"$2\" >/dev/null\n      else\n        [ -f \"$1\" ] || exit 1\n        cp --reflink=always \"$1\" \"$2\"\n      fi' sh \"$dir/$gen\" \"$work.part\" \"$layout\" 2>/dev/null; then\n      from=\"$dir $gen\"\n      break 2\n    fi\n    rm -rf \"$work.part\"\n  done\ndone\nif [ \"$layout\" = subvolumes ]; then\n  [ -n \"$from\" ] || btrfs subvolume create \"$work.part\" >/dev/null\n  mv -T \"$work.part\" \"$work\"\nelse\n  if [ -z \"$from\" ]; then\n    truncate -s \"$(( $(stat -f -c '%b * %S' \"$own\") ))\" \"$work.part\"\n    mkfs.ext4 -q -F -m 0 -E lazy_itable_init=1,lazy_journal_init=1,nodiscard \"$work.part\" >/dev/null\n  fi\n  mv -T \"$work.part\" \"$work.img\"\n  mkdir -p \"$work\"\n  mount -t ext4 -o loop,discard,noinit_itable \"$work.img\" \"$work\"\nfi\necho mode=generations\necho \"from=$from\"\n";
/**
 * Commit (arguments: session id, generation name, own scope directory): work-<session> becomes a
 * generation and the scope's latest (rename of a fresh link over `latest`: atomic, last write
 * wins). An image is unmounted first, which writes back what the stopped daemon left in memory; one
 * still attached to a loop device (mounted elsewhere) is not committed. Older generations no
 * checkout is copying go. Prints the new generation's size as "kib=N". Exits 3 when the session's
 * copy is not there.
 */
export declare const COMMIT_SCRIPT = "set -eu\nid=$1; gen=$2; own=$3\nwork=\"$own/work-$id\"\nif [ -f \"$work.img\" ]; then\n  if mountpoint -q \"$work\"; then umount \"$work\"; fi\n  if [ -n \"$(losetup -j \"$work.img\")\" ]; then echo \"session $id's image is still in use\" >&2; exit 4; fi\n  rmdir \"$work\"\n  mv -T \"$work.img\" \"$own/$gen\"\nelse\n  test -d \"$work\" || { echo \"no copy of session $id in the store\" >&2; exit 3; }\n  mv -T \"$work\" \"$own/$gen\"\nfi\nln -sfn \"$gen\" \"$own/.latest-$id\"\nmv -T \"$own/.latest-$id\" \"$own/latest\"\nfor old in \"$own\"/gen-*; do\n  name=${old##*/}\n  # Only older generations, and never the one a later commit made latest meanwhile.\n  if [ \"$name\" != \"$gen\" ] && [ \"$(printf '%s\\n%s\\n' \"$name\" \"$gen\" | sort | head -n 1)\" = \"$name\" ]; then\n    flock -n -x \"$old\" sh -c '[ \"$(readlink \"$1/latest\")\" = \"$2\" ] || { mv -T \"$1/$2\" \"$1/.trash-$2\" && rm -rf \"$1/.trash-$2\"; }' sh \"$own\" \"$name\" || true\n  fi\ndone\necho \"kib=$(du -sk \"$own/$gen\" | cut -f1)\"\n";
/**
 * Discard (arguments: session id, own scope directory): the session's copy goes (an image is
 * unmounted first, lazily if something still holds it); nothing committed changes.
 */
export declare const DISCARD_SCRIPT = "set -eu\nwork=\"$2/work-$1\"\nif mountpoint -q \"$work\" 2>/dev/null; then umount \"$work\" 2>/dev/null || umount -l \"$work\"; fi\nrm -rf \"$work\" \"$work.part\" \"$work.img\"\n";
/**
 * Evict (argument: the scope directory): a scope's committed generations go (the host budget), except one a checkout is copying.
 * Running sessions' copies are theirs and stay.
 */
export declare const EVICT_SCRIPT = "set -eu\nown=$1\n[ -d \"$own\" ] || exit 0\nrm -f \"$own/latest\"\nfor old in \"$own\"/gen-*; do\n  [ -e \"$old\" ] || continue\n  name=${old##*/}\n  flock -n -x \"$old\" sh -c 'mv -T \"$1/$2\" \"$1/.trash-$2\" && rm -rf \"$1/.trash-$2\"' sh \"$own\" \"$name\" || true\ndone\n";
export type CheckoutResult = {
    readonly mode: 'generations';
    readonly fromDirectory: string | undefined;
    readonly generation: string | undefined;
} | {
    readonly mode: 'slots';
    readonly reason: string;
};
/** Reads the checkout script's output; undefined when it is not what the script prints. */
export declare function parseCheckoutOutput(output: string): CheckoutResult | undefined;
/** The committed generation's size from the commit script's output, in bytes. */
export declare function parseCommitOutput(output: string): number | undefined;
