/**
 * Which registry mirror a launching session's daemon uses. Fails open: a mirror that is absent or
 * does not answer quickly is left out of the daemon.json with a warning, and the daemon pulls from
 * upstream (a configured mirror that is down would otherwise cost every pull a connection attempt).
 */
import { type RegistryMirrorSetting } from '../core/mirror.js';
import type { EnginePort, Logger } from '../ports.js';
/** The URL of the mirror the setting names, when it answers; undefined otherwise. Never throws. */
export declare function answeringMirror(engine: EnginePort, setting: RegistryMirrorSetting, log?: Logger): Promise<string | undefined>;
