import { type Logger } from '../ports.js';
import type { PrepareDependencies } from './prepare.js';
import type { GitlabSettings } from './settings.js';
export type SessionDependencies = Omit<PrepareDependencies, 'hostEnv' | 'credentialHelper' | 'signal' | 'stdout'>;
export declare function sessionDependencies(settings: GitlabSettings, log: Logger): SessionDependencies;
