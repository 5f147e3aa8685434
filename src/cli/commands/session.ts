/** The session commands: up, down, run, ls, gc. */
import { spawn } from 'node:child_process';
import { BadInputError, JobFailure, UnknownSessionError } from '../../core/errors.js';
import { LABELS, OWNER } from '../../core/names.js';
import { formatBytes } from '../../core/units.js';
import { DEFAULT_ENGINE_HOST } from '../../ports.js';
import { connectHostEngine } from '../../session/engine.js';
import { enforceHostBudget, listCacheVolumes } from '../../session/cache.js';
import { knownUnclonable, listGenerationRecords } from '../../session/generations.js';
import { defaultStateDir } from '../../session/host.js';
import { launch } from '../../session/launch.js';
import { removeSpares } from '../../session/networks.js';
import { reapOrphans } from '../../session/reaper.js';
import { isSessionId, loadSessionRecord, saveSessionRecord } from '../../session/records.js';
import { labelOnlyState, teardown } from '../../session/teardown.js';
import type { Session, TeardownReport } from '../../session/types.js';
import type { CliCommand, CliIo } from '../command.js';
import { command, isVerbose, printJson, reportError, stderrLogger } from '../io.js';
import { parseCommandArgs, settingsUsage } from '../settings.js';
import { onCancelSignals, withSignals } from '../../signals.js';

function sessionJson(session: Session) {
  return {
    sessionId: session.id,
    env: session.env,
    containerId: session.containerId,
    cacheVolume: session.cacheVolume,
    cacheHit: session.cacheHit,
    cacheMode: session.cacheMode,
    cacheFrom: session.cacheFrom,
    cacheModeReason: session.cacheModeReason,
  };
}

function printReport(io: CliIo, report: TeardownReport, json: boolean): void {
  if (json) return printJson(io, report);
  for (const line of report.removed) io.stderr.write(`removed ${line}\n`);
  for (const line of report.kept) io.stderr.write(`kept ${line}\n`);
  if (report.cache !== undefined) io.stderr.write(`cache ${report.cache}\n`);
  for (const line of report.warnings) io.stderr.write(`warning: ${line}\n`);
}

async function launchFromArgs(args: readonly string[], io: CliIo) {
  const parsed = parseCommandArgs(args, io.env, ['json', 'verbose']);
  const log = stderrLogger(io, isVerbose(io, parsed.flags));
  const stateDir = defaultStateDir(io.env);
  // A failed launch removes what it created, its record included.
  const session = await withSignals((signal) =>
    launch(
      parsed.config,
      {
        log,
        signal,
        jobId: io.env.SECURE_DIND_JOB_ID,
        cacheScope: parsed.cacheScope,
        onState: (state) => saveSessionRecord(stateDir, state),
      },
      { stateDir },
    ),
  );
  return { parsed, log, stateDir, session };
}

export const upCommand = command({
  name: 'up',
  summary: 'launch a session and print its client environment',
  usage: `Usage: secure-dind up [options] [--json] [--verbose]\n\nPrints export lines (eval "$(secure-dind up)") or, with --json,\n{sessionId, env, containerId, cacheVolume, cacheHit, cacheMode, cacheFrom}. End it with:\nsecure-dind down SESSION_ID (--discard: drop its cache changes instead of committing them)\n\nOptions:\n${settingsUsage()}`,
  async run(args, io) {
    const { parsed, session } = await launchFromArgs(args, io);
    if (parsed.flags.has('json')) {
      printJson(io, sessionJson(session));
    } else {
      for (const [key, value] of Object.entries(session.env)) io.stdout.write(`export ${key}=${value}\n`);
      io.stdout.write(`# secure-dind session ${session.id}: end it with "secure-dind down ${session.id}"\n`);
    }
    return 0;
  },
});

export const downCommand = command({
  name: 'down',
  summary: "tear a session down, committing (or with --discard dropping) its cache's changes",
  usage:
    'Usage: secure-dind down SESSION_ID [--commit | --discard] [--json] [--engine-host HOST]\n\n' +
    "In generations mode --commit (the default) makes the session's copy its scope's latest\n" +
    'generation and --discard drops it; in slots mode the volume is kept as the session left it.',
  async run(args, io) {
    const parsed = parseCommandArgs(args, io.env, ['json', 'verbose', 'commit', 'discard'], 1);
    if (parsed.flags.has('commit') && parsed.flags.has('discard'))
      throw new BadInputError('options', '--commit --discard', 'at most one of --commit and --discard');
    const sessionId = parsed.positionals[0] ?? '';
    if (!isSessionId(sessionId) || parsed.positionals.length !== 1) {
      throw new BadInputError(
        'session id',
        parsed.positionals.join(' '),
        'the 12-character id printed by secure-dind up',
      );
    }
    const stateDir = defaultStateDir(io.env);
    // Without a record (another host, a lost state dir) the labels still find everything.
    const record = await loadSessionRecord(stateDir, sessionId);
    const report = await teardown(record ?? labelOnlyState(sessionId, parsed.config), {
      log: stderrLogger(io, isVerbose(io, parsed.flags)),
      stateDir,
      cacheOutcome: parsed.flags.has('discard') ? 'discard' : 'commit',
    });
    const found = record || report.removed.length > 0 || report.kept.length > 0 || report.warnings.length > 0;
    if (!found) throw new UnknownSessionError(sessionId, parsed.config.engineHost ?? DEFAULT_ENGINE_HOST);
    printReport(io, report, parsed.flags.has('json'));
    return 0;
  },
});

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run one command against a fresh session, then tear it down',
  usage: `Usage: secure-dind run [options] -- COMMAND [ARGS...]\n\nExits with the command's status; the session is always torn down, its cache committed only when\nthe command succeeded.\n\nOptions:\n${settingsUsage()}`,
  async run(args, io) {
    let session: Session | undefined;
    let stateDir = '';
    let log = stderrLogger(io, false);
    let succeeded = false;
    try {
      const separator = args.indexOf('--');
      if (separator < 0 || separator === args.length - 1) {
        throw new BadInputError('command', args.join(' '), 'secure-dind run [options] -- COMMAND [ARGS...]');
      }
      ({ session, stateDir, log } = await launchFromArgs(args, io));
      const [command, ...commandArgs] = args.slice(separator + 1) as [string, ...string[]];
      const status = await runChild(command, commandArgs, { ...io.env, ...session.env });
      if (status !== 0) throw new JobFailure(`${command} exited with status ${status}`, status);
      succeeded = true;
      return 0;
    } catch (error) {
      return reportError(io, error);
    } finally {
      if (session) {
        const report = await teardown(session, {
          log,
          stateDir,
          cacheOutcome: succeeded ? 'commit' : 'discard',
        });
        for (const warning of report.warnings) io.stderr.write(`warning: ${warning}\n`);
      }
    }
  },
};

/** Runs a command with inherited stdio, forwarding SIGINT/SIGTERM; resolves to its exit status. */
function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const done = onCancelSignals((signal) => child.kill(signal));
    child.on('error', (error) => {
      done();
      reject(new BadInputError('command', command, `a program on PATH (${error.message})`));
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15));
    });
  });
}

export const lsCommand = command({
  name: 'ls',
  summary: 'list sessions, cache volumes and cache generations',
  usage: 'Usage: secure-dind ls [--json] [--engine-host HOST]',
  async run(args, io) {
    const parsed = parseCommandArgs(args, io.env, ['json', 'verbose']);
    const engine = connectHostEngine(parsed.config.engineHost ?? DEFAULT_ENGINE_HOST);
    const daemons = await engine.listContainers({ [LABELS.owner]: OWNER, [LABELS.role]: 'daemon' });
    const sessions = daemons.map((c) => ({
      sessionId: c.labels[LABELS.session],
      container: c.name,
      state: c.state,
      job: c.labels[LABELS.job],
      cacheKey: c.labels[LABELS.cacheKey],
      cacheSlot: c.labels[LABELS.cacheSlot],
      cacheMode: sessionCacheMode(c.labels),
      createdAt: c.labels[LABELS.createdAt],
      deadline: c.labels[LABELS.deadline],
    }));
    const stateDir = defaultStateDir(io.env);
    const volumes = await listCacheVolumes(engine, stateDir, { measure: true });
    const generations = await listGenerationRecords(stateDir);
    const store = parsed.config.cacheStore;
    const unclonable = store === undefined ? undefined : await knownUnclonable(stateDir, store, new Date());
    const storeMode =
      store === undefined
        ? 'slots (cache-store is off)'
        : unclonable !== undefined
          ? `slots: ${unclonable}`
          : 'generations where its filesystem clones (a launch checks)';
    if (parsed.flags.has('json')) {
      printJson(io, {
        sessions,
        cacheVolumes: volumes,
        cacheStore: store,
        cacheMode: storeMode,
        generations,
      });
      return 0;
    }
    io.stdout.write(`CACHE STORE ${store ?? 'off'}: ${storeMode}\n`);
    io.stdout.write(`SESSIONS (${sessions.length})\n`);
    for (const s of sessions) {
      io.stdout.write(
        `  ${s.sessionId}  ${s.state.padEnd(8)} ${s.container}  cache=${s.cacheMode} key=${s.cacheKey}${s.cacheSlot === undefined ? '' : ` slot=${s.cacheSlot}`} deadline=${s.deadline}\n`,
      );
    }
    io.stdout.write(`CACHE VOLUMES (${volumes.length})\n`);
    for (const v of volumes) {
      const lastUsed = v.lastUsed ? new Date(v.lastUsed).toISOString() : 'never';
      const size = v.size === undefined ? '?' : formatBytes(v.size);
      io.stdout.write(
        `  ${v.name}  ${size.padStart(10)}  slot=${v.slot} last-used=${lastUsed}${v.leased ? ' (in use)' : ''}  key=${v.cacheKey}\n`,
      );
    }
    io.stdout.write(`CACHE GENERATIONS (${generations.length})\n`);
    for (const g of generations) {
      io.stdout.write(
        `  ${formatBytes(g.bytes).padStart(10)}  last-used=${new Date(g.lastUsed).toISOString()}  key=${g.cacheKey} scope=${g.scope}\n`,
      );
    }
    return 0;
  },
});

/** A running session's cache mode, from its daemon's labels. */
function sessionCacheMode(labels: Readonly<Record<string, string>>): string {
  if (labels[LABELS.generation]) return 'generations';
  return labels[LABELS.cacheSlot] === undefined ? 'off' : 'slots';
}

export const gcCommand = command({
  name: 'gc',
  summary:
    "reap orphaned sessions (past their deadline), remove spare networks, apply the host's cache budget",
  usage: 'Usage: secure-dind gc [--json] [--cache-total-max-size SIZE] [--engine-host HOST]',
  async run(args, io) {
    const parsed = parseCommandArgs(args, io.env, ['json', 'verbose']);
    const log = stderrLogger(io, isVerbose(io, parsed.flags));
    const engine = connectHostEngine(parsed.config.engineHost ?? DEFAULT_ENGINE_HOST, log);
    const stateDir = defaultStateDir(io.env);
    const reaped = await reapOrphans(engine, new Date(), stateDir, log);
    const evicted =
      parsed.config.cacheTotalMaxSize === undefined
        ? []
        : await enforceHostBudget(engine, stateDir, parsed.config.cacheTotalMaxSize, log);
    const spares = await removeSpares(engine, stateDir);
    const result = {
      reaped: reaped.removed,
      evictedCacheVolumes: evicted,
      removedSpareNetworks: spares,
      warnings: reaped.warnings,
    };
    if (parsed.flags.has('json')) printJson(io, result);
    else {
      for (const line of reaped.removed) io.stderr.write(`reaped ${line}\n`);
      for (const name of evicted) io.stderr.write(`evicted cache volume ${name}\n`);
      for (const name of spares) io.stderr.write(`removed spare network ${name}\n`);
      for (const line of reaped.warnings) io.stderr.write(`warning: ${line}\n`);
    }
    return 0;
  },
});
