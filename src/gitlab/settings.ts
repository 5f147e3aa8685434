/**
 * Settings of the GitLab driver, for runner administrators: a JSON file (path from --config or
 * SECURE_DIND_GITLAB_CONFIG) and/or environment variables SECURE_DIND_<NAME> (which win over the
 * file). Job authors cannot reach them: their variables arrive as CUSTOM_ENV_*. Validated once,
 * with errors naming the setting as the administrator wrote it; session settings go through the
 * core's parseSessionConfig.
 */
import { isAbsolute, normalize } from 'node:path';
import {
  type RawSettings,
  type SessionConfig,
  SETTING_DOCS,
  SETTING_NAMES,
  type SettingName,
  parseSessionConfig,
  settingEnvName,
} from '../core/config.js';
import { BadInputError, SystemError } from '../core/errors.js';
import { IMAGE_FORM, parseImageRef } from '../core/image-ref.js';
import { parseDuration } from '../core/units.js';
import { type RunnerPullPolicies, parsePullPolicies } from './pull-policy.js';
import { type SettingSource, settingsFromEnv, settingsFromFile } from './setting-sources.js';

export const CONFIG_PATH_ENV = 'SECURE_DIND_GITLAB_CONFIG';

/** The session settings an administrator may set (the cache key is derived per project). */
export const SESSION_SETTING_NAMES = SETTING_NAMES.filter((name) => name !== 'cache-key');
type SessionSettingName = Exclude<SettingName, 'cache-key'>;

export const GITLAB_SETTING_NAMES = [
  'default-image',
  'helper-image',
  'dind-images',
  'state-dir',
  'builds-dir',
  'cache-dir',
  'install-runtime',
  'trust-job-variables',
  'pull-policy',
  'allowed-pull-policies',
  'wait-for-services-timeout',
] as const;
type GitlabSettingName = (typeof GITLAB_SETTING_NAMES)[number];
export type DriverSettingName = GitlabSettingName | SessionSettingName;

export const DEFAULT_JOB_IMAGE = 'docker:27.5.1-cli';
/** GitLab's own helper image (git, git-lfs, ca-certificates), as the Docker executor uses it. */
export const DEFAULT_HELPER_IMAGE = `registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:${process.arch === 'arm64' ? 'arm64' : 'x86_64'}-latest`;
const ROOT = '/var/lib/secure-dind/gitlab';

export const GITLAB_SETTING_DOCS: Record<
  GitlabSettingName,
  { description: string; default: string | undefined }
> = {
  'default-image': { description: 'Job image when the job names none', default: DEFAULT_JOB_IMAGE },
  'helper-image': {
    description:
      "Image of the helper container that runs the stages needing git or gitlab-runner (get_sources, caches, artifacts); it needs bash or sh and git. The runner host's gitlab-runner binary is mounted into it read-only",
    default: DEFAULT_HELPER_IMAGE,
  },
  'dind-images': {
    description:
      'More service images to run as secure DinD sessions (comma-separated in the environment; a repository matches every tag). docker:*dind* always is one',
    default: undefined,
  },
  'state-dir': {
    description:
      "secure-dind's host records; the driver keeps per-job state and client certificates in its gitlab/ subdirectory",
    default: '/var/lib/secure-dind',
  },
  'builds-dir': {
    description: 'Base of the builds directories (mounted into job containers)',
    default: `${ROOT}/builds`,
  },
  'cache-dir': { description: "Base of GitLab Runner's local cache directories", default: `${ROOT}/cache` },
  'install-runtime': {
    description:
      'auto: before a DinD session, check the runtime and install Sysbox when missing (the driver runs as root); never: only check',
    default: 'auto',
  },
  'trust-job-variables': {
    description:
      'true: when GitLab Runner gives no job response file (before 14.1), take the job id, project and protection from job variables. UNSAFE on shared runners: a job can forge them',
    default: 'false',
  },
  'pull-policy': {
    description:
      "Pull policies for images whose job names no pull_policy, tried in order (always, if-not-present, never; comma-separated): the Docker executor's pull_policy",
    default: 'if-not-present',
  },
  'allowed-pull-policies': {
    description:
      "Pull policies a job may name (comma-separated); a job naming none of them fails. Empty: those of pull-policy. The Docker executor's allowed_pull_policies",
    default: undefined,
  },
  'wait-for-services-timeout': {
    description:
      "How long prepare waits for each non-DinD service to accept connections on an exposed port (HEALTHCHECK_TCP_PORT overrides); 0: no wait. The Docker executor's wait_for_services_timeout",
    default: '30s',
  },
};

export interface GitlabSettings {
  readonly defaultImage: string;
  readonly helperImage: string;
  readonly dindImages: readonly string[];
  readonly stateDir: string;
  readonly buildsDir: string;
  readonly cacheDir: string;
  /** The DinD image the administrator imposes; undefined: each DinD service's own image. */
  readonly dindImage: string | undefined;
  /** Lifetime after which the job's resources count as orphans (the session setting "deadline"). */
  readonly deadlineSeconds: number;
  /** Grace for stopping a DinD container found only by label. */
  readonly stopTimeoutSeconds: number;
  /** The Docker engine everything runs on (the session setting "engine-host"). */
  readonly engineHost: string | undefined;
  readonly installRuntime: 'auto' | 'never';
  /** Accept a job identity from CUSTOM_ENV_ variables when there is no job response file (unsafe). */
  readonly trustJobVariables: boolean;
  /** The runner's default and allowed pull policies. */
  readonly pullPolicies: RunnerPullPolicies;
  /** Wait for services' ports this long; 0: do not wait. */
  readonly waitForServicesSeconds: number;
  /**
   * The session settings for one DinD service (validated at load time already, so this only
   * fails for the job's own image reference).
   */
  sessionConfig(input: { readonly serviceImage: string; readonly cacheKey: string }): SessionConfig;
}

const ALL_NAMES: readonly DriverSettingName[] = [...GITLAB_SETTING_NAMES, ...SESSION_SETTING_NAMES];

/** Reads the file (when given) and the environment; throws a SystemError naming the setting. */
export function loadSettings(env: NodeJS.ProcessEnv, configPath?: string): GitlabSettings {
  try {
    return parseSettings(readSources(env, configPath));
  } catch (error) {
    if (error instanceof BadInputError) {
      throw new SystemError(`secure-dind GitLab driver settings: ${error.message}`, {
        cause: error,
        hint: 'Fix the runner host configuration; the job itself is not at fault.',
      });
    }
    throw error;
  }
}

function readSources(env: NodeJS.ProcessEnv, configPath?: string): Map<DriverSettingName, SettingSource> {
  const path = configPath ?? (env[CONFIG_PATH_ENV] || undefined);
  const fromFile =
    path === undefined
      ? new Map<DriverSettingName, SettingSource>()
      : settingsFromFile(path, configPath === undefined ? CONFIG_PATH_ENV : '--config', ALL_NAMES);
  const cacheKeyVariable = settingEnvName('cache-key');
  if (env[cacheKeyVariable]?.trim()) {
    throw new BadInputError(
      cacheKeyVariable,
      env[cacheKeyVariable]!,
      'no value: the driver derives the cache key per GitLab project, protected and unprotected refs apart',
    );
  }
  return new Map([...fromFile, ...settingsFromEnv(env, ALL_NAMES)]);
}

function parseSettings(sources: Map<DriverSettingName, SettingSource>): GitlabSettings {
  const get = (name: GitlabSettingName): { value: string | undefined; displayName: string } => {
    const source = sources.get(name);
    return {
      value: source?.value.trim() ?? GITLAB_SETTING_DOCS[name].default,
      displayName: source?.displayName ?? name,
    };
  };
  const image = (name: GitlabSettingName): string => {
    const { value, displayName } = get(name);
    if (value === undefined || !parseImageRef(value))
      throw new BadInputError(displayName, value ?? '', IMAGE_FORM);
    return value;
  };
  const directory = (name: GitlabSettingName): string => {
    const { value, displayName } = get(name);
    if (
      value === undefined ||
      !isAbsolute(value) ||
      normalize(value) === '/' ||
      /[:\n,]/.test(value) ||
      value.split('/').includes('..')
    ) {
      throw new BadInputError(
        displayName,
        value ?? '',
        'an absolute directory path other than / (without "..", ":" or ",")',
      );
    }
    return normalize(value).replace(/\/+$/, '');
  };

  const dind = get('dind-images');
  const dindImages = (dind.value ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  for (const entry of dindImages) {
    if (!parseImageRef(entry)) throw new BadInputError(dind.displayName, entry, `a list of ${IMAGE_FORM}`);
  }

  const raw: RawSettings = {};
  const displayNames = new Map<SettingName, string>();
  for (const name of SESSION_SETTING_NAMES) {
    const source = sources.get(name);
    if (source) {
      raw[name] = source.value;
      displayNames.set(name, source.displayName);
    }
  }
  const displayName = (setting: SettingName): string => displayNames.get(setting) ?? setting;
  const dindImage = raw.image?.trim() || undefined;
  // Validate every session setting now, with placeholders for what only a job supplies.
  const checked = parseSessionConfig(
    { ...raw, image: dindImage ?? SETTING_DOCS.image.default, 'cache-key': 'validation' },
    displayName,
  );

  const install = get('install-runtime');
  if (install.value !== 'auto' && install.value !== 'never') {
    throw new BadInputError(install.displayName, install.value ?? '', 'auto or never');
  }

  const trust = get('trust-job-variables');
  if (trust.value !== 'true' && trust.value !== 'false') {
    throw new BadInputError(trust.displayName, trust.value ?? '', 'true or false');
  }

  const policies = (name: 'pull-policy' | 'allowed-pull-policies') => {
    const { value, displayName } = get(name);
    const parsed = parsePullPolicies(value, displayName);
    if (name === 'pull-policy' && parsed.length === 0) {
      throw new BadInputError(displayName, value ?? '', 'at least one of always, if-not-present, never');
    }
    return parsed;
  };
  const wait = get('wait-for-services-timeout');
  const waitSeconds = parseDuration(wait.value ?? '');
  if (waitSeconds === undefined) {
    throw new BadInputError(wait.displayName, wait.value ?? '', 'a duration such as 30s or 2m (0: no wait)');
  }

  return {
    pullPolicies: { defaults: policies('pull-policy'), allowed: policies('allowed-pull-policies') },
    waitForServicesSeconds: waitSeconds,
    defaultImage: image('default-image'),
    helperImage: image('helper-image'),
    dindImages,
    stateDir: directory('state-dir'),
    buildsDir: directory('builds-dir'),
    cacheDir: directory('cache-dir'),
    dindImage,
    deadlineSeconds: checked.deadlineSeconds,
    stopTimeoutSeconds: checked.stopTimeoutSeconds,
    engineHost: checked.engineHost,
    installRuntime: install.value,
    trustJobVariables: trust.value === 'true',
    sessionConfig: ({ serviceImage, cacheKey }) =>
      parseSessionConfig({ ...raw, image: dindImage ?? serviceImage, 'cache-key': cacheKey }, (setting) =>
        setting === 'image' && dindImage === undefined ? 'DinD service image' : displayName(setting),
      ),
  };
}
