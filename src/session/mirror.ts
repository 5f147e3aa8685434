/**
 * Which registry mirror a launching session's daemon uses. Fails open: a mirror that is absent or
 * does not answer quickly is left out of the daemon.json with a warning, and the daemon pulls from
 * upstream (a configured mirror that is down would otherwise cost every pull a connection attempt).
 */
import { MIRROR_LABELS, MIRROR_SELECTOR, type RegistryMirrorSetting } from '../core/mirror.js';
import { registryProblem } from '../engine/registry-probe.js';
import type { EnginePort, Logger } from '../ports.js';

/** A mirror on this host answers in milliseconds; one that takes longer is treated as down. */
const PROBE_TIMEOUT_MS = 1500;

/** The URL of the mirror the setting names, when it answers; undefined otherwise. Never throws. */
export async function answeringMirror(
  engine: EnginePort,
  setting: RegistryMirrorSetting,
  log?: Logger,
): Promise<string | undefined> {
  if (setting.mode === 'off') return undefined;
  const url = setting.mode === 'url' ? setting.url : await hostMirrorUrl(engine).catch(() => undefined);
  if (url === undefined) {
    log?.warn(
      'registry-mirror is auto but no registry mirror runs on this engine (start one with "secure-dind mirror up"); this session pulls from upstream',
    );
    return undefined;
  }
  const problem = await registryProblem(url, PROBE_TIMEOUT_MS);
  if (problem !== undefined) {
    log?.warn(`the registry mirror ${url} does not answer (${problem}); this session pulls from upstream`);
    return undefined;
  }
  log?.debug(`pulls go through the registry mirror ${url}`);
  return url;
}

/** The URL of the running mirror `secure-dind mirror up` started on this engine. */
async function hostMirrorUrl(engine: EnginePort): Promise<string | undefined> {
  const [mirror] = await engine.listContainers(MIRROR_SELECTOR, { runningOnly: true });
  return mirror?.labels[MIRROR_LABELS.url];
}
