/**
 * The Action's inputs, read once into a typed object. Settings shared with the other faces go to the
 * one validator (parseSessionConfig) as raw strings; errors name the input as the workflow wrote it.
 */
import { readFileSync } from 'node:fs';
import { SETTING_NAMES, type SessionConfig, type SettingName, parseSessionConfig } from '../core/config.js';
import { BadInputError, SystemError } from '../core/errors.js';
import { BOOLEAN_FORM, parseBoolean } from '../core/units.js';
import type { CacheScope } from '../core/generations.js';
import type { CacheOutcome } from '../session/types.js';
import { type GitHubRunContext, deriveCacheKey, deriveCacheScope } from './cache-key.js';

/** Settings the Action does not offer as inputs (it uses their defaults): they concern the host, not a workflow. */
const HOST_ONLY_SETTINGS = new Set<SettingName>([
  'address-pool',
  'deadline',
  'engine-host',
  'cache-slots',
  'cache-store',
]);

/** Inputs that are session settings of the same name. */
export const SETTING_INPUTS = SETTING_NAMES.filter((name) => !HOST_ONLY_SETTINGS.has(name));

/** Inputs only the Action has. */
export const ACTION_ONLY_INPUTS = ['install-runtime', 'set-context', 'summary', 'job-status'] as const;

/** Every input the Action reads; action.yml declares exactly these (checked by a test). */
export const ACTION_INPUTS = [...SETTING_INPUTS, ...ACTION_ONLY_INPUTS] as const;
export type ActionInputName = (typeof ACTION_INPUTS)[number];

/** Every output the Action sets; action.yml declares exactly these (checked by a test). */
export const ACTION_OUTPUTS = [
  'docker-host',
  'cert-path',
  'container-id',
  'cache-volume',
  'cache-hit',
] as const;
export type ActionOutputName = (typeof ACTION_OUTPUTS)[number];

export const INSTALL_RUNTIME_MODES = ['auto', 'never'] as const;
export type InstallRuntimeMode = (typeof INSTALL_RUNTIME_MODES)[number];

export interface ActionInputs {
  readonly config: SessionConfig;
  /** From the runner's GITHUB_REF and the event payload, never from inputs. */
  readonly cacheScope: CacheScope;
  /** What the post step does with a generations cache: commit only when the job succeeded. */
  readonly cacheOutcome: CacheOutcome;
  readonly installRuntime: InstallRuntimeMode;
  readonly setContext: boolean;
  readonly summary: boolean;
}

/** Defaults of the Action-only inputs (action.yml states the same; a test checks). */
export const ACTION_ONLY_DEFAULTS: Record<(typeof ACTION_ONLY_INPUTS)[number], string> = {
  'install-runtime': 'auto',
  'set-context': 'false',
  summary: 'true',
  // Inputs are evaluated again for the post step, where job.status is the job's result so far.
  'job-status': '${{ job.status }}',
};

/** How a setting is named in messages: the way the workflow's `with:` names it. */
export function inputDisplayName(name: string): string {
  return `input '${name}'`;
}

/** The environment variable the runner sets for an input (as @actions/core's getInput reads it). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** An input's value exactly as @actions/core's getInput returns it: trimmed, '' when unset. */
export function readInput(env: NodeJS.ProcessEnv, name: ActionInputName): string {
  return (env[inputVariable(name)] || '').trim();
}

/**
 * Parses every input. Throws BadInputError naming the first bad input; creates nothing.
 * `env` is the step's environment (INPUT_*, GITHUB_REPOSITORY, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH).
 */
export function getActionInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const raw: Partial<Record<SettingName, string>> = {};
  for (const name of SETTING_INPUTS) raw[name] = readInput(env, name);
  const parsed = parseSessionConfig(raw, inputDisplayName);
  // The user's key (if any) was validated as written; scoping by repository and fork comes after.
  const run = runContext(env);
  const config: SessionConfig = { ...parsed, cacheKey: deriveCacheKey(raw['cache-key'], run) };

  const installRuntime = oneOf(env, 'install-runtime', INSTALL_RUNTIME_MODES);
  return {
    config,
    cacheScope: deriveCacheScope(run),
    cacheOutcome: cacheOutcomeInput(env),
    installRuntime,
    setContext: booleanInput(env, 'set-context'),
    summary: booleanInput(env, 'summary'),
  };
}

/**
 * The job-status input (job.status, evaluated again for the post step) as a cache outcome: only
 * "success" commits; failure, cancelled, or anything unexpected discards.
 */
export function cacheOutcomeInput(env: NodeJS.ProcessEnv): CacheOutcome {
  return readInput(env, 'job-status') === 'success' ? 'commit' : 'discard';
}

/** The run's repository and event, read from the runner's environment and event payload file. */
export function runContext(env: NodeJS.ProcessEnv): GitHubRunContext {
  return {
    repository: env.GITHUB_REPOSITORY || undefined,
    eventName: env.GITHUB_EVENT_NAME || undefined,
    event: readEventPayload(env.GITHUB_EVENT_PATH),
    ref: env.GITHUB_REF || undefined,
  };
}

function readEventPayload(path: string | undefined): unknown {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // Without the payload a fork pull request could not be told apart: refuse rather than guess.
    throw new SystemError(`cannot read the event payload GITHUB_EVENT_PATH=${path}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SystemError(`the event payload GITHUB_EVENT_PATH=${path} is not JSON`, { cause: error });
  }
}

function withDefault(env: NodeJS.ProcessEnv, name: (typeof ACTION_ONLY_INPUTS)[number]): string {
  const value = readInput(env, name);
  return value === '' ? ACTION_ONLY_DEFAULTS[name] : value;
}

function booleanInput(env: NodeJS.ProcessEnv, name: 'set-context' | 'summary'): boolean {
  const value = withDefault(env, name);
  const parsed = parseBoolean(value);
  if (parsed === undefined) throw new BadInputError(inputDisplayName(name), value, BOOLEAN_FORM);
  return parsed;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: 'install-runtime', modes: readonly T[]): T {
  const value = withDefault(env, name).toLowerCase();
  const mode = modes.find((m) => m === value);
  if (mode === undefined) {
    throw new BadInputError(inputDisplayName(name), withDefault(env, name), modes.join(' or '));
  }
  return mode;
}
