/**
 * Image pull policies with the Docker executor's semantics. A job names policies per image and per
 * service (`pull_policy`, one or a list); the administrator sets the runner's default (`pull-policy`)
 * and what jobs may use (`allowed-pull-policies`, which defaults to the runner's default). The
 * effective list is the job's (or else the runner's) policies that are allowed, in the job's order;
 * when none is allowed the job is refused, naming both lists and where the policy came from. Pure.
 */
import { BadInputError, SecureDindError } from '../core/errors.js';

export const PULL_POLICIES = ['always', 'if-not-present', 'never'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];
export const PULL_POLICY_FORM = `one of ${PULL_POLICIES.join(', ')}, or a list of them`;

/** A policy list as a job or an administrator wrote it: a string, a comma list or a JSON array. */
export function parsePullPolicies(value: unknown, what: string): PullPolicy[] {
  if (value === undefined || value === null || value === '') return [];
  const items =
    typeof value === 'string'
      ? value.split(/[\s,]+/).filter((item) => item !== '')
      : Array.isArray(value)
        ? (value as unknown[])
        : undefined;
  if (items === undefined || !items.every((item) => PULL_POLICIES.includes(item as PullPolicy))) {
    throw new BadInputError(
      what,
      typeof value === 'string' ? value : JSON.stringify(value),
      PULL_POLICY_FORM,
    );
  }
  return [...new Set(items as PullPolicy[])];
}

export interface RunnerPullPolicies {
  /** The runner's default when a job names none (the Docker executor's `pull_policy`). */
  readonly defaults: readonly PullPolicy[];
  /** What jobs may use; empty: the defaults (the Docker executor's `allowed_pull_policies`). */
  readonly allowed: readonly PullPolicy[];
}

/**
 * The policies to try, in order, for one image. Throws a build failure when the job's policies
 * are all outside the administrator's allowed list.
 */
export function effectivePullPolicies(
  image: string,
  requested: readonly PullPolicy[],
  runner: RunnerPullPolicies,
): PullPolicy[] {
  const wanted = requested.length > 0 ? requested : runner.defaults;
  const allowed = runner.allowed.length > 0 ? runner.allowed : runner.defaults;
  const effective = wanted.filter((policy) => allowed.includes(policy));
  if (effective.length === 0) {
    const source =
      requested.length > 0 ? 'the job (pull_policy in .gitlab-ci.yml)' : 'the runner setting pull-policy';
    throw new SecureDindError(
      'bad-input',
      `invalid pull policy for image ${image}: pull_policy [${wanted.join(', ')}] set by ${source} is not one of the allowed-pull-policies [${allowed.join(', ')}]`,
      {
        hint: `Use one of ${allowed.join(', ')} in the job, or ask the runner administrator to allow it (setting allowed-pull-policies).`,
      },
    );
  }
  return effective;
}
