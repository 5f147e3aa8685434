/** The library API: `import { launch, teardown, parseSessionConfig } from 'secure-dind'`. */
export { launch, type LaunchDependencies } from './session/launch.js';
export { teardown, type TeardownOptions } from './session/teardown.js';
export { reapOrphans } from './session/reaper.js';
export { parseSessionConfig, SETTING_NAMES, SETTING_DOCS, DEFAULT_IMAGE, DEFAULT_RUNTIME, type SessionConfig, type RawSettings, type SettingName, } from './core/config.js';
export { SecureDindError, BadInputError, SystemError, JobFailure, errorKind, type ErrorKind, } from './core/errors.js';
export { DockerEngine } from './engine/docker.js';
export * from './ports.js';
export type * from './session/types.js';
