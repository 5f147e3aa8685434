/**
 * `secure-dind gitlab config|prepare|run|cleanup`: the GitLab Runner custom executor driver. Each
 * stage is a separate process started by the runner; exit statuses follow the runner's
 * BUILD_FAILURE_EXIT_CODE / SYSTEM_FAILURE_EXIT_CODE (see src/gitlab/exit.ts).
 */
import { BadInputError, describeError } from '../../core/errors.js';
import { DEFAULT_ENGINE_HOST } from '../../ports.js';
import { connectHostEngine } from '../../session/engine.js';
import { ensureRuntime } from '../../runtime/ensure.js';
import { withSignals } from '../../signals.js';
import { settingEnvName } from '../../core/config.js';
import { cleanupJob } from '../../gitlab/cleanup.js';
import { configOutput } from '../../gitlab/config.js';
import { exitCodeFor, failureCodes, type Outcome, recordBuildExitCode } from '../../gitlab/exit.js';
import { leaseBuildsDir } from '../../gitlab/builds-lease.js';
import { jobContext } from '../../gitlab/job.js';
import { loadJobResponse } from '../../gitlab/job-response.js';
import { prepareJob } from '../../gitlab/prepare.js';
import { runStage } from '../../gitlab/run.js';
import {
  CONFIG_PATH_ENV,
  GITLAB_SETTING_DOCS,
  type GitlabSettings,
  loadSettings,
} from '../../gitlab/settings.js';
import { launch } from '../../session/launch.js';
import { teardown } from '../../session/teardown.js';
import type { Logger } from '../../session/types.js';
import { VERSION } from '../../version.js';
import type { CliCommand, CliIo } from '../command.js';

const USAGE = `Usage: secure-dind gitlab [--config FILE] config|prepare|run SCRIPT STAGE|cleanup

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

interface ParsedArgs {
  readonly stage: string | undefined;
  readonly positional: string[];
  readonly configPath: string | undefined;
}

function parseArgs(args: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  let configPath: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config') {
      configPath = args[++i];
      if (configPath === undefined) throw new BadInputError('--config', '', 'a path to a JSON file');
    } else if (arg.startsWith('--config=')) {
      configPath = arg.slice('--config='.length);
    } else {
      positional.push(arg);
    }
  }
  return { stage: positional.shift(), positional, configPath };
}

function streamLogger(io: CliIo, infoTo: 'stdout' | 'stderr'): Logger {
  return {
    debug: (message) => {
      if (io.env.SECURE_DIND_DEBUG === '1') io.stderr.write(`[secure-dind] ${message}\n`);
    },
    info: (message) => io[infoTo].write(`[secure-dind] ${message}\n`),
    warn: (message) => io.stderr.write(`[secure-dind] warning: ${message}\n`),
  };
}

export const gitlabCommand: CliCommand = {
  name: 'gitlab',
  summary: 'GitLab Runner custom executor driver (config, prepare, run, cleanup)',
  usage: USAGE,
  async run(args, io) {
    const codes = failureCodes(io.env);
    const stageLog = streamLogger(io, 'stderr');
    let parsed: ParsedArgs;
    try {
      parsed = parseArgs(args);
    } catch (error) {
      stageLog.warn(describeError(error));
      return codes.system;
    }
    const fail = (outcome: Outcome) => {
      if (outcome.kind === 'error') io.stderr.write(`[secure-dind] ERROR: ${describeError(outcome.error)}\n`);
      return exitCodeFor(outcome, codes);
    };
    const settingsAndContext = () => {
      const settings = loadSettings(io.env, parsed.configPath);
      const response = loadJobResponse(io.env);
      return { settings, response, context: jobContext(io.env, settings, response) };
    };

    switch (parsed.stage) {
      case 'config': {
        try {
          const { settings, context } = settingsAndContext();
          const buildsDir = await leaseBuildsDir(context, settings.deadlineSeconds);
          io.stdout.write(
            `${JSON.stringify(configOutput(context, buildsDir, VERSION, parsed.configPath))}\n`,
          );
          return 0;
        } catch (error) {
          return fail({ kind: 'error', error });
        }
      }
      case 'prepare': {
        const log = streamLogger(io, 'stdout');
        try {
          const { settings, context, response } = settingsAndContext();
          await withSignals(
            (signal) =>
              prepareJob(
                context,
                settings,
                { ...sessionDeps(settings, log), hostEnv: io.env, stdout: io.stdout, signal },
                response,
              ),
            (signal) => log.warn(`received ${signal}`),
          );
          return 0;
        } catch (error) {
          return fail({ kind: 'error', error });
        }
      }
      case 'run': {
        const [script, stage] = parsed.positional;
        if (script === undefined || stage === undefined) {
          stageLog.warn('usage: secure-dind gitlab run SCRIPT STAGE');
          return codes.system;
        }
        try {
          const { settings, context } = settingsAndContext();
          const outcome = await withSignals(
            (signal) =>
              runStage(context, script, stage, {
                engine: connectHostEngine(settings.engineHost ?? DEFAULT_ENGINE_HOST),
                log: stageLog,
                signal,
                stdout: io.stdout,
                stderr: io.stderr,
              }),
            (signal) => stageLog.warn(`received ${signal}`),
          );
          if (outcome.kind === 'script-failed') await recordBuildExitCode(io.env, outcome.exitCode);
          return fail(outcome);
        } catch (error) {
          return fail({ kind: 'error', error });
        }
      }
      case 'cleanup': {
        // The runner logs cleanup's stdout at debug level and its stderr as warnings.
        const log = streamLogger(io, 'stdout');
        const ignore = () => log.warn('signal received; finishing cleanup');
        process.on('SIGTERM', ignore);
        process.on('SIGINT', ignore);
        try {
          const { settings, context } = settingsAndContext();
          const report = await cleanupJob(context, sessionDeps(settings, log), true);
          for (const line of report.removed) log.info(`removed ${line}`);
          for (const line of report.kept) log.info(`kept ${line}`);
        } catch (error) {
          log.warn(`cleanup: ${describeError(error)}`);
        } finally {
          process.off('SIGTERM', ignore);
          process.off('SIGINT', ignore);
        }
        // Cleanup never changes the job's status.
        return 0;
      }
      default:
        io.stderr.write(`${USAGE}\n`);
        return codes.system;
    }
  },
};

function sessionDeps(settings: GitlabSettings, log: Logger) {
  const engine = connectHostEngine(settings.engineHost ?? DEFAULT_ENGINE_HOST);
  return {
    engine,
    log,
    stopTimeoutSeconds: settings.stopTimeoutSeconds,
    launch: (config: Parameters<typeof launch>[0], options: Parameters<typeof launch>[1]) =>
      launch(config, options, { stateDir: settings.stateDir, engine }),
    ensureRuntime: async (config: Parameters<typeof launch>[0]) => {
      await ensureRuntime({
        runtime: config.runtime,
        engineHost: config.engineHost,
        install: settings.installRuntime,
        log: (line) => log.info(line),
      });
    },
    teardown: (state: Parameters<typeof teardown>[0]) =>
      teardown(state, { log, stateDir: settings.stateDir, engine }),
  };
}
