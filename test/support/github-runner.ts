/**
 * Plays the GitHub Actions runner for a node action, the way the runner does it:
 *   - each input of action.yml becomes INPUT_<NAME> (name upper-cased, spaces to underscores), set to
 *     the workflow's `with:` value or else the input's default from action.yml;
 *   - each step gets fresh GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE, GITHUB_PATH and GITHUB_STEP_SUMMARY
 *     files; after the step the runner reads them (file-command format: `NAME=VALUE` lines or the
 *     heredoc form `NAME<<DELIMITER` / value lines / `DELIMITER`);
 *   - GITHUB_ENV entries join the job's environment for every later step, the post steps included;
 *   - GITHUB_STATE entries are handed to the same action's post step as STATE_<name>;
 *   - the step's stdout carries workflow commands (::error::, ::warning::, ::group::).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseYaml } from './mini-yaml.js';

/** Parses a file-command file (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE) as the runner does. */
export function parseFileCommands(text: string): [string, string][] {
  const lines = text.split(/\r?\n/);
  const entries: [string, string][] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === '') throw new Error(`file command line ${i + 1}: empty name`);
      entries.push([name, line.slice(equals + 1)]);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '')
        throw new Error(`file command line ${i + 1}: bad heredoc: ${line}`);
      const value: string[] = [];
      for (i += 1; ; i += 1) {
        if (i >= lines.length) throw new Error(`file command: no closing delimiter ${delimiter} for ${name}`);
        if (lines[i] === delimiter) break;
        value.push(lines[i]!);
      }
      entries.push([name, value.join('\n')]);
    } else {
      throw new Error(`file command line ${i + 1}: invalid format: ${line}`);
    }
  }
  return entries;
}

/** Last value wins, as in the runner. */
function lastWins(entries: [string, string][]): Record<string, string> {
  return Object.fromEntries(entries);
}

export interface ActionMetadata {
  readonly inputs: Record<
    string,
    { description: string; default: string | undefined; required: string | undefined }
  >;
  readonly outputs: Record<string, { description: string }>;
  readonly runs: Record<string, string>;
}

export function readActionMetadata(path = resolve('action.yml')): ActionMetadata {
  const doc = parseYaml(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const inputs = (doc.inputs ?? {}) as ActionMetadata['inputs'];
  const outputs = (doc.outputs ?? {}) as ActionMetadata['outputs'];
  return { inputs, outputs, runs: doc.runs as Record<string, string> };
}

export interface StepResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the step wrote to GITHUB_ENV. */
  readonly exported: Record<string, string>;
  readonly outputs: Record<string, string>;
  readonly state: Record<string, string>;
  readonly summary: string;
  /** `::error::` and `::warning::` workflow commands from stdout, message only. */
  readonly errors: string[];
  readonly warnings: string[];
}

export interface RunnerOptions {
  readonly repository?: string;
  readonly eventName?: string;
  readonly event?: unknown;
  /** Extra job-level environment. */
  readonly env?: Record<string, string>;
}

/** One job on a fake runner: a temp directory with RUNNER_TEMP, HOME and the per-step files. */
export class GitHubRunnerJob {
  readonly root: string;
  readonly runnerTemp: string;
  readonly home: string;
  /** Accumulated GITHUB_ENV of earlier steps. */
  readonly jobEnv: Record<string, string> = {};
  /** GITHUB_STATE of the action's main step, for its post step. */
  readonly actionState: Record<string, string> = {};
  /** The job summary: every step's GITHUB_STEP_SUMMARY, in order. */
  jobSummary = '';
  private readonly baseEnv: Record<string, string>;
  private steps = 0;

  constructor(private readonly options: RunnerOptions = {}) {
    this.root = mkdtempSync(join(tmpdir(), 'sd-gh-runner-'));
    this.runnerTemp = join(this.root, 'temp');
    this.home = join(this.root, 'home');
    mkdirSync(this.runnerTemp);
    mkdirSync(this.home);
    const eventPath = join(this.root, 'event.json');
    writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
    const inherited: Record<string, string> = {};
    for (const name of ['PATH', 'LANG', 'TZ']) {
      const value = process.env[name];
      if (value !== undefined) inherited[name] = value;
    }
    this.baseEnv = {
      ...inherited,
      HOME: this.home,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: options.repository ?? 'octo-org/octo-repo',
      GITHUB_EVENT_NAME: options.eventName ?? 'push',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_RUN_ID: String(Date.now()),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'build',
      GITHUB_WORKSPACE: this.root,
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_OS: 'Linux',
      ...options.env,
    };
  }

  /** The environment a `run:` step sees. */
  stepEnv(): Record<string, string> {
    return { ...this.baseEnv, ...this.jobEnv };
  }

  /**
   * Runs the action's main or post entry point (`runs.main` / `runs.post` of action.yml) with node.
   * `onSpawn` receives the child process (to signal it) and the step's GITHUB_STATE file.
   */
  async runAction(
    stage: 'main' | 'post',
    withInputs: Record<string, string> = {},
    options: { actionDir?: string; onSpawn?: (pid: number, stateFile: string) => void } = {},
  ): Promise<StepResult> {
    const actionDir = options.actionDir ?? resolve('.');
    const metadata = readActionMetadata(join(actionDir, 'action.yml'));
    for (const name of Object.keys(withInputs)) {
      if (!(name in metadata.inputs)) throw new Error(`the workflow passes an undeclared input: ${name}`);
    }
    const env: Record<string, string> = {};
    for (const [name, input] of Object.entries(metadata.inputs)) {
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = withInputs[name] ?? input.default ?? '';
    }
    if (stage === 'post') {
      for (const [name, value] of Object.entries(this.actionState)) env[`STATE_${name}`] = value;
    }
    const entry = metadata.runs[stage];
    if (!entry) throw new Error(`action.yml has no runs.${stage}`);
    const result = await this.runStep(process.execPath, [join(actionDir, entry)], env, options.onSpawn);
    if (stage === 'main') Object.assign(this.actionState, result.state);
    return result;
  }

  /** Runs a `run:` step (a program with the job's environment). */
  async runStep(
    program: string,
    args: readonly string[],
    /** Added to the step's environment; undefined removes a variable. */
    extraEnv: Record<string, string | undefined> = {},
    onSpawn?: (pid: number, stateFile: string) => void,
    stdin?: NodeJS.ReadableStream,
  ): Promise<StepResult> {
    this.steps += 1;
    const dir = join(this.root, `step-${this.steps}-${randomUUID().slice(0, 8)}`);
    mkdirSync(dir);
    const files = {
      GITHUB_ENV: join(dir, 'env'),
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STATE: join(dir, 'state'),
      GITHUB_PATH: join(dir, 'path'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const env: Record<string, string | undefined> = { ...this.stepEnv(), ...files, ...extraEnv };
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
    const child = spawn(program, [...args], {
      env,
      cwd: this.root,
      stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    if (stdin && child.stdin) stdin.pipe(child.stdin);
    if (onSpawn && child.pid !== undefined) onSpawn(child.pid, files.GITHUB_STATE);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
      child.on('error', fail);
      child.on('close', (code, sig) => done([code, sig]));
    });
    const exported = lastWins(parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8')));
    Object.assign(this.jobEnv, exported);
    const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    this.jobSummary += summary;
    const commands = (kind: string): string[] =>
      stdout
        .split('\n')
        .map((line) => new RegExp(`^::${kind}(?: [^:]*)?::(.*)$`).exec(line)?.[1])
        .filter((m): m is string => m !== undefined)
        .map(unescapeCommand);
    return {
      exitCode,
      signal,
      stdout,
      stderr,
      exported,
      outputs: lastWins(parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'))),
      state: lastWins(parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8'))),
      summary,
      errors: commands('error'),
      warnings: commands('warning'),
    };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Reads the state a step has written so far (while it runs). */
export function readStateFile(path: string): Record<string, string> {
  try {
    return lastWins(parseFileCommands(readFileSync(path, 'utf8')));
  } catch {
    return {}; // a heredoc being written
  }
}

function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
