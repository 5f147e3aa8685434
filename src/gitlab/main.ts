/**
 * The driver's stage dispatch: `secure-dind gitlab config|prepare|run|cleanup`. Each stage is a
 * separate process started by the runner; exit statuses follow the runner's
 * BUILD_FAILURE_EXIT_CODE / SYSTEM_FAILURE_EXIT_CODE (see exit.ts).
 */
import { describeError } from '../core/errors.js';
import { DEFAULT_ENGINE_HOST, type Logger } from '../ports.js';
import { connectHostEngine } from '../session/engine.js';
import { despiteSignals, withSignals } from '../signals.js';
import { VERSION } from '../version.js';
import { type DriverArgs, DRIVER_USAGE, parseDriverArgs } from './arguments.js';
import { leaseBuildsDir } from './builds-lease.js';
import { cleanupJob } from './cleanup.js';
import { configOutput } from './config.js';
import { exitCodeFor, type FailureCodes, failureCodes, type Outcome, recordBuildExitCode } from './exit.js';
import { jobContext } from './job.js';
import { loadJobResponse } from './job-response.js';
import { prepareJob } from './prepare.js';
import { runStage, stageLocation } from './run.js';
import { noteBuildResult } from './state.js';
import { sessionDependencies } from './session-deps.js';
import { loadSettings } from './settings.js';

/** The streams and environment the runner gives a stage process. */
export interface DriverIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

interface StageCall {
  readonly io: DriverIo;
  readonly codes: FailureCodes;
  readonly args: DriverArgs;
}

const STAGES: Readonly<Record<string, (call: StageCall) => Promise<number>>> = {
  config: configStage,
  prepare: prepareStage,
  run: runScriptStage,
  cleanup: cleanupStage,
};

/** Runs one stage as the runner called it; resolves to the process's exit status. */
export async function runDriver(argv: readonly string[], io: DriverIo): Promise<number> {
  const codes = failureCodes(io.env);
  let args: DriverArgs;
  try {
    args = parseDriverArgs(argv);
  } catch (error) {
    streamLogger(io, 'stderr').warn(describeError(error));
    return codes.system;
  }
  const stage =
    args.stage !== undefined && Object.hasOwn(STAGES, args.stage) ? STAGES[args.stage] : undefined;
  if (!stage) {
    io.stderr.write(`${DRIVER_USAGE}\n`);
    return codes.system;
  }
  return stage({ io, codes, args });
}

async function configStage({ io, codes, args }: StageCall): Promise<number> {
  try {
    const { settings, context } = loadJob(io, args);
    const buildsDir = await leaseBuildsDir(context, settings.deadlineSeconds);
    io.stdout.write(`${JSON.stringify(configOutput(context, buildsDir, VERSION, args.configPath))}\n`);
    return 0;
  } catch (error) {
    return fail(io, codes, { kind: 'error', error });
  }
}

async function prepareStage({ io, codes, args }: StageCall): Promise<number> {
  const log = streamLogger(io, 'stdout');
  try {
    const { settings, context, response } = loadJob(io, args);
    await withSignals(
      (signal) =>
        prepareJob(
          context,
          settings,
          { ...sessionDependencies(settings, log), hostEnv: io.env, stdout: io.stdout, signal },
          response,
        ),
      (signal) => log.warn(`received ${signal}`),
    );
    return 0;
  } catch (error) {
    return fail(io, codes, { kind: 'error', error });
  }
}

async function runScriptStage({ io, codes, args }: StageCall): Promise<number> {
  const log = streamLogger(io, 'stderr');
  const [script, stage] = args.operands;
  if (script === undefined || stage === undefined) {
    log.warn('usage: secure-dind gitlab run SCRIPT STAGE');
    return codes.system;
  }
  try {
    const { settings, context } = loadJob(io, args);
    const outcome = await withSignals(
      (signal) =>
        runStage(context, script, stage, {
          engine: connectHostEngine(settings.engineHost ?? DEFAULT_ENGINE_HOST),
          log,
          signal,
          stdout: io.stdout,
          stderr: io.stderr,
        }),
      (signal) => log.warn(`received ${signal}`),
    );
    if (outcome.kind === 'script-failed') await recordBuildExitCode(io.env, outcome.exitCode);
    await noteBuildResult(context.stateFile, stage, stageLocation(stage), outcome.kind === 'success');
    return fail(io, codes, outcome);
  } catch (error) {
    return fail(io, codes, { kind: 'error', error });
  }
}

async function cleanupStage({ io, args }: StageCall): Promise<number> {
  // The runner logs cleanup's stdout at debug level and its stderr as warnings.
  const log = streamLogger(io, 'stdout');
  await despiteSignals(
    async () => {
      try {
        const { settings, context } = loadJob(io, args);
        const report = await cleanupJob(context, sessionDependencies(settings, log), true);
        for (const line of report.removed) log.info(`removed ${line}`);
        for (const line of report.kept) log.info(`kept ${line}`);
      } catch (error) {
        log.warn(`cleanup: ${describeError(error)}`);
      }
    },
    () => log.warn('signal received; finishing cleanup'),
  );
  // Cleanup never changes the job's status.
  return 0;
}

function loadJob(io: DriverIo, args: DriverArgs) {
  const settings = loadSettings(io.env, args.configPath);
  const response = loadJobResponse(io.env);
  return { settings, response, context: jobContext(io.env, settings, response) };
}

function fail(io: DriverIo, codes: FailureCodes, outcome: Outcome): number {
  if (outcome.kind === 'error') io.stderr.write(`[secure-dind] ERROR: ${describeError(outcome.error)}\n`);
  return exitCodeFor(outcome, codes);
}

function streamLogger(io: DriverIo, infoTo: 'stdout' | 'stderr'): Logger {
  return {
    debug: (message) => {
      if (io.env.SECURE_DIND_DEBUG === '1') io.stderr.write(`[secure-dind] ${message}\n`);
    },
    info: (message) => io[infoTo].write(`[secure-dind] ${message}\n`),
    warn: (message) => io.stderr.write(`[secure-dind] warning: ${message}\n`),
  };
}
