/**
 * The driver's command line, as GitLab Runner builds it from config.toml's *_exec and *_args:
 * `[--config FILE] STAGE [OPERANDS...]`. Only --config is an option; anything else, including
 * what merely looks like one, stays an operand in place, so that an unknown stage or a malformed
 * call reaches the stage dispatch and its usage message.
 */
import { parseArgs } from 'node:util';
import { settingEnvName } from '../core/config.js';
import { BadInputError } from '../core/errors.js';
import { CONFIG_PATH_ENV, GITLAB_SETTING_DOCS } from './settings.js';

export const DRIVER_USAGE = `Usage: secure-dind gitlab [--config FILE] config|prepare|run SCRIPT STAGE|cleanup

GitLab Runner custom executor driver: services: [docker:dind] jobs get a secure, unprivileged
Docker daemon (Sysbox runtime, mutual TLS) instead of a privileged container.

In config.toml:
  [runners.custom]
    config_exec = "secure-dind"   config_args = ["gitlab", "config", "--config", "/etc/secure-dind/gitlab.json"]
    prepare_exec = "secure-dind"  prepare_args = ["gitlab", "prepare"]
    run_exec = "secure-dind"      run_args = ["gitlab", "run"]
    cleanup_exec = "secure-dind"  cleanup_args = ["gitlab", "cleanup"]
  (a --config given to config_exec reaches the later stages through the runner's job_env)

Settings (JSON file from --config or ${CONFIG_PATH_ENV}; SECURE_DIND_<NAME> variables win):
${Object.entries(GITLAB_SETTING_DOCS)
  .map(
    ([name, doc]) =>
      `  ${name.padEnd(14)} ${settingEnvName(name).padEnd(26)} ${doc.description}${doc.default ? ` (default ${doc.default})` : ''}`,
  )
  .join('\n')}
  and the session settings (runtime, image = the DinD image, cache, cache-max-size, ...) as for "secure-dind up".`;

export interface DriverArgs {
  readonly stage: string | undefined;
  /** What follows the stage: the run stage's SCRIPT and STAGE. */
  readonly operands: readonly string[];
  readonly configPath: string | undefined;
}

/** Throws BadInputError when --config has no value. */
export function parseDriverArgs(args: readonly string[]): DriverArgs {
  const { tokens } = parseArgs({
    args: [...args],
    options: { config: { type: 'string' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let configPath: string | undefined;
  // A short option group (-ab) yields one token per letter, all at the same index.
  const operandIndexes = new Set<number>();
  for (const token of tokens) {
    if (token.kind === 'option' && token.name === 'config') {
      if (token.value === undefined) throw new BadInputError('--config', '', 'a path to a JSON file');
      configPath = token.value;
    } else {
      operandIndexes.add(token.index);
    }
  }
  const [stage, ...operands] = [...operandIndexes].map((index) => args[index]!);
  return { stage, operands, configPath };
}
