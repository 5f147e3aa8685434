/**
 * Parsers for what a host tells us about itself: os-release, /proc/version, uname, `docker info`
 * JSON, daemon.json, mountinfo/findmnt, systemctl, `sysbox-runc --version`, uid_map. Pure: text in,
 * plain data out; none of them throws on odd input (they report "unknown" instead).
 */

export interface OsRelease {
  readonly id: string;
  readonly versionId: string;
  readonly idLike: readonly string[];
  readonly prettyName: string;
}

/** Parses /etc/os-release (shell-style KEY=value lines, values optionally quoted). */
export function parseOsRelease(text: string): OsRelease | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2]!.trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
    values.set(match[1]!, value);
  }
  const id = values.get('ID')?.toLowerCase();
  if (!id) return undefined;
  const versionId = values.get('VERSION_ID') ?? '';
  return {
    id,
    versionId,
    idLike: (values.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
    prettyName: values.get('PRETTY_NAME') ?? `${id} ${versionId}`.trim(),
  };
}

/** The kernel release from /proc/version ("Linux version 6.8.0-45-generic (...) ..."). */
export function parseProcVersion(text: string): string | undefined {
  return /^Linux version (\S+)/.exec(text.trim())?.[1];
}

/** `uname -m` output, or `uname -a` (the machine is the second-last field before "GNU/Linux"). */
export function parseUnameMachine(text: string): string | undefined {
  const fields = text.trim().split(/\s+/);
  if (fields.length === 1) return fields[0] || undefined;
  const gnu = fields.lastIndexOf('GNU/Linux');
  return gnu > 0 ? fields[gnu - 1] : undefined;
}

export interface DockerInfo {
  readonly serverVersion: string | undefined;
  readonly runtimes: Readonly<Record<string, string>>;
  readonly defaultRuntime: string | undefined;
  readonly rootless: boolean;
  readonly dockerRootDir: string | undefined;
  readonly containers: number | undefined;
  readonly operatingSystem: string | undefined;
  readonly kernelVersion: string | undefined;
  readonly architecture: string | undefined;
  readonly securityOptions: readonly string[];
}

/** Parses the engine's /info (dockerode's info() or `docker info --format '{{json .}}'`). */
export function parseDockerInfo(input: unknown): DockerInfo | undefined {
  let raw = input;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const info = raw as Record<string, unknown>;
  const runtimes = runtimePaths(info.Runtimes);
  const securityOptions = Array.isArray(info.SecurityOptions)
    ? info.SecurityOptions.filter((o): o is string => typeof o === 'string')
    : [];
  return {
    serverVersion: str(info.ServerVersion),
    runtimes,
    defaultRuntime: str(info.DefaultRuntime),
    rootless: securityOptions.some((o) => /(^|,)name=rootless(,|$)/.test(o)),
    dockerRootDir: str(info.DockerRootDir),
    containers: typeof info.Containers === 'number' ? info.Containers : undefined,
    operatingSystem: str(info.OperatingSystem),
    kernelVersion: str(info.KernelVersion),
    architecture: str(info.Architecture),
    securityOptions,
  };
}

/** A runtimes map (the engine's /info Runtimes, daemon.json's runtimes): name → path ("" when none). */
function runtimePaths(value: unknown): Record<string, string> {
  const runtimes: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return runtimes;
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    const path = (entry as { path?: unknown } | null)?.path;
    runtimes[name] = typeof path === 'string' ? path : '';
  }
  return runtimes;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export type DaemonJson =
  | { readonly state: 'absent' }
  | { readonly state: 'invalid'; readonly error: string }
  | {
      readonly state: 'ok';
      readonly config: Readonly<Record<string, unknown>>;
      readonly hasBip: boolean;
      readonly hasAddressPools: boolean;
      readonly usernsRemap: string | undefined;
      readonly runtimes: Readonly<Record<string, string>>;
    };

/** Parses /etc/docker/daemon.json; undefined text means the file does not exist. */
export function parseDaemonJson(text: string | undefined): DaemonJson {
  if (text === undefined || text.trim() === '') return { state: 'absent' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { state: 'invalid', error: error instanceof Error ? error.message : String(error) };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { state: 'invalid', error: 'the top level is not a JSON object' };
  }
  const config = parsed as Record<string, unknown>;
  const runtimes = runtimePaths(config.runtimes);
  const pools = config['default-address-pools'];
  return {
    state: 'ok',
    config,
    hasBip: typeof config.bip === 'string' && config.bip !== '',
    hasAddressPools: Array.isArray(pools) && pools.length > 0,
    usernsRemap:
      typeof config['userns-remap'] === 'string' && config['userns-remap'] !== ''
        ? config['userns-remap']
        : undefined,
    runtimes,
  };
}

/**
 * The filesystem type holding `path`, from /proc/self/mountinfo: the mount with the longest mount
 * point that contains the path wins.
 */
export function filesystemFromMountinfo(text: string, path: string): string | undefined {
  let best: { mountPoint: string; fsType: string } | undefined;
  for (const line of text.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const before = line.slice(0, separator).split(' ');
    const after = line.slice(separator + 3).split(' ');
    const mountPoint = unescapeMount(before[4] ?? '');
    const fsType = after[0];
    if (!mountPoint || !fsType || !contains(mountPoint, path)) continue;
    if (best === undefined || mountPoint.length >= best.mountPoint.length) best = { mountPoint, fsType };
  }
  return best?.fsType;
}

/** `findmnt -no FSTYPE -T PATH` output (one word), or the FSTYPE column of `findmnt -T PATH`. */
export function parseFindmnt(text: string): string | undefined {
  const lines = text.trim().split('\n').filter(Boolean);
  if (lines.length === 1) return lines[0]!.trim().split(/\s+/)[0] || undefined;
  const header = lines[0]!.trim().split(/\s+/);
  const column = header.indexOf('FSTYPE');
  if (column < 0 || lines.length < 2) return undefined;
  return lines[1]!.trim().split(/\s+/)[column];
}

function contains(mountPoint: string, path: string): boolean {
  if (mountPoint === '/') return true;
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * `systemctl is-active UNIT...` prints one state per unit, in order ("active", "inactive",
 * "failed", "unknown"...). Missing lines count as "unknown".
 */
export function parseSystemctlIsActive(units: readonly string[], output: string): Record<string, string> {
  const states = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const result: Record<string, string> = {};
  units.forEach((unit, index) => {
    result[unit] = states[index] ?? 'unknown';
  });
  return result;
}

export type RuntimeIdentity =
  | { readonly kind: 'sysbox'; readonly version: string; readonly edition: string }
  | { readonly kind: 'not-sysbox'; readonly firstLine: string };

/**
 * What `<runtime> --version` says it is. Sysbox prints a "sysbox-runc" line followed by
 * "edition:" and "version:" lines; anything else (runc, a wrapper, a test double) is not Sysbox.
 */
export function parseRuntimeVersion(output: string): RuntimeIdentity {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const firstLine = lines[0] ?? '';
  if (firstLine === 'sysbox-runc') {
    const field = (name: string) =>
      lines
        .find((line) => line.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    const version = field('version');
    if (version && /^\d+\.\d+\.\d+/.test(version)) {
      return { kind: 'sysbox', version, edition: field('edition') ?? 'unknown edition' };
    }
  }
  return { kind: 'not-sysbox', firstLine: firstLine || '(no output)' };
}

export interface IdMapping {
  readonly inside: number;
  readonly outside: number;
  readonly length: number;
}

/** Parses /proc/PID/uid_map (or gid_map). */
export function parseIdMap(text: string): IdMapping[] {
  const result: IdMapping[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 3) continue;
    const [inside, outside, length] = fields.map(Number) as [number, number, number];
    if ([inside, outside, length].every(Number.isInteger)) result.push({ inside, outside, length });
  }
  return result;
}

/**
 * True when the map is a user namespace in which root is not root of the host: uid 0 inside maps
 * to a non-zero uid outside. The initial namespace's map is "0 0 4294967295".
 */
export function rootIsRemapped(map: readonly IdMapping[]): boolean {
  const root = map.find((m) => m.inside <= 0 && 0 < m.inside + m.length);
  return root !== undefined && root.outside - root.inside !== 0;
}

/** The AppArmor rule that lets fusermount3 mount Sysbox's FUSE filesystems (nestybox/sysbox issue #947). */
export const FUSERMOUNT_SYSBOX_RULE = '  mount fstype=fuse -> /var/lib/sysboxfs/**/,';

export type FusermountProfile = 'none' | 'allows-sysbox' | 'blocks-sysbox';

/**
 * Newer AppArmor releases (Ubuntu 25.04 on) confine fusermount3, which then refuses Sysbox's FUSE
 * mounts unless a local override allows /var/lib/sysboxfs.
 */
export function fusermountProfileState(
  profile: string | undefined,
  localOverride: string | undefined,
): FusermountProfile {
  if (profile === undefined) return 'none';
  const allows = (text: string | undefined) => text !== undefined && /sysboxfs/.test(text);
  return allows(profile) || allows(localOverride) ? 'allows-sysbox' : 'blocks-sysbox';
}

/** `dpkg-query -W -f '${Status} ${Version}' PKG`: the version when installed, else undefined. */
export function parseDpkgQuery(output: string): string | undefined {
  const match = /install ok installed (\S+)/.exec(output.trim());
  return match?.[1];
}
