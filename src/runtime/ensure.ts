/**
 * ensureRuntime: the step every face runs before launching a session. Detects the runtime;
 * installs Sysbox when allowed and root; otherwise fails with the fix in the hint. There is no
 * fallback to a weaker runtime.
 */
import { SystemError } from '../core/errors.js';
import { SILENT_LOGGER } from '../core/logger.js';
import type { Logger } from '../ports.js';
import { bootstrapSysbox } from './apply.js';
import { DEFAULT_RUNTIME, MIN_SYSBOX_REASON, MIN_SYSBOX_VERSION, versionAtLeast } from './compat.js';
import { engineUnreachable, gatherRuntimeFacts, type RuntimeFacts } from './facts.js';
import { localEdges, type RuntimeEdges } from './host.js';

export interface EnsureRuntimeOptions {
  readonly runtime?: string;
  /** The engine sessions will run on (default: the local socket). */
  readonly engineHost?: string;
  /** 'auto': install Sysbox when it is missing or too old (needs root); 'never': only detect. */
  readonly install: 'auto' | 'never';
  readonly version?: string;
  readonly url?: string;
  readonly sha256?: string;
  readonly smokeImage?: string;
  readonly isRoot?: boolean;
  readonly edges?: Partial<RuntimeEdges>;
  readonly log?: Logger;
}

export interface RuntimeStatus {
  readonly runtime: string;
  /** The Sysbox version in use; undefined when the registered runtime is not Sysbox. */
  readonly sysboxVersion: string | undefined;
  /** Said when the runtime is usable but is not what the name promises (e.g. not Sysbox). */
  readonly warning?: string;
  /** True when this call installed or upgraded Sysbox. */
  readonly installed: boolean;
}

type Detection =
  | { readonly ok: true; readonly version: string }
  | { readonly ok: false; readonly problem: string; readonly notSysbox: boolean };

export async function ensureRuntime(options: EnsureRuntimeOptions): Promise<RuntimeStatus> {
  const runtime = options.runtime ?? DEFAULT_RUNTIME;
  const edges: RuntimeEdges = { ...localEdges({ engineHost: options.engineHost }), ...options.edges };
  const log = options.log ?? SILENT_LOGGER;

  const detected = detect(await gatherRuntimeFacts(edges, runtime));
  if (detected.ok) return { runtime, sysboxVersion: detected.version, installed: false };
  // A runtime the admin registered under this name is their choice (admins are trusted); never
  // install over it, but say loudly what it means. `secure-dind doctor` reports it as a failure.
  if (detected.notSysbox) {
    const warning = `${detected.problem}: sessions get that runtime's isolation, not Sysbox's (see secure-dind doctor)`;
    log.warn(warning);
    return { runtime, sysboxVersion: undefined, installed: false, warning };
  }

  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  if (options.install === 'auto' && isRoot) {
    log.info(`${detected.problem}; installing Sysbox`);
    const outcome = await bootstrapSysbox(edges, {
      runtime,
      version: options.version,
      url: options.url,
      sha256: options.sha256,
      smokeImage: options.smokeImage,
      log,
    });
    return { runtime, sysboxVersion: outcome.plan.package?.version, installed: !outcome.plan.upToDate };
  }
  const hint =
    options.install === 'auto'
      ? 'installing Sysbox needs root: run `sudo secure-dind bootstrap` on the runner host once (see docs/runner-host.md)'
      : 'install Sysbox on the runner host with `sudo secure-dind bootstrap` (or set install-runtime: auto with a root runner)';
  throw new SystemError(detected.problem, { hint });
}

/** Whether sessions can start on what the facts show. Pure. */
function detect(facts: RuntimeFacts): Detection {
  const runtime = facts.runtimeName;
  if (!facts.docker.reachable) {
    throw engineUnreachable(facts.docker, 'start Docker and check this user may use its socket');
  }
  const path = facts.docker.info.runtimes[runtime];
  const identity = facts.runtimeIdentity;
  if (path === undefined || identity === undefined) {
    return {
      ok: false,
      problem: `runtime ${runtime} is not registered with the Docker engine`,
      notSysbox: false,
    };
  }
  if (identity.kind !== 'sysbox') {
    return {
      ok: false,
      problem: `runtime ${runtime} is registered but is not Sysbox (${path || runtime} reports "${identity.firstLine}")`,
      notSysbox: true,
    };
  }
  if (!versionAtLeast(identity.version, MIN_SYSBOX_VERSION)) {
    return {
      ok: false,
      problem: `Sysbox ${identity.version} is older than ${MIN_SYSBOX_VERSION} (${MIN_SYSBOX_REASON})`,
      notSysbox: false,
    };
  }
  return { ok: true, version: identity.version };
}
