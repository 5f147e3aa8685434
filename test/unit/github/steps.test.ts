/**
 * The main and post steps against an in-memory engine: what a workflow would observe (step failed or
 * not, exported variables, outputs, summary, warnings) and what is left on the engine afterwards.
 */
import { describe, expect, it } from 'vitest';
import type { SessionConfig } from '../../../src/core/config.js';
import { SystemError } from '../../../src/core/errors.js';
import type { ActionIo, ExecResult } from '../../../src/github/io.js';
import { runMain } from '../../../src/github/main-step.js';
import { runPost } from '../../../src/github/post-step.js';
import type {
  LaunchOptions,
  Logger,
  Session,
  SessionState,
  TeardownReport,
} from '../../../src/session/types.js';

const OUTER = 'unix:///var/run/docker.sock';

/** A runner's view of one job: every step's outputs, exported env, state, summary and log. */
class JobRecord {
  readonly outputs: Record<string, string> = {};
  readonly exported: Record<string, string> = {};
  readonly state: Record<string, string> = {};
  summary = '';
  readonly log: string[] = [];
  readonly warnings: string[] = [];
  failed: string | undefined;

  io(): ActionIo {
    return {
      getInput: () => '',
      setOutput: (name, value) => (this.outputs[name] = value),
      exportVariable: (name, value) => (this.exported[name] = value),
      saveState: (name, value) => (this.state[name] = value),
      getState: (name) => this.state[name] ?? '',
      appendSummary: async (markdown) => {
        this.summary += markdown;
      },
      startGroup: (title) => this.log.push(`::group::${title}`),
      endGroup: () => this.log.push('::endgroup::'),
      debug: () => {},
      info: (message) => this.log.push(message),
      warning: (message) => this.warnings.push(message),
      setFailed: (message) => (this.failed = message),
      exec: async (): Promise<ExecResult> => ({ exitCode: 127, stdout: '', stderr: 'no docker CLI here' }),
    };
  }
}

/** An engine holding named resources per session; launch and teardown act on it. */
class FakeEngine {
  readonly resources = new Map<string, string>(); // name -> session id
  failAfter: 'network' | 'container' | undefined;
  hangInReady = false;

  launch = async (config: SessionConfig, options: LaunchOptions): Promise<Session> => {
    const log = options.log!;
    const sessionId = `s${Math.random().toString(16).slice(2, 8)}`;
    let state: SessionState = {
      version: 1,
      sessionId,
      engineHost: config.engineHost,
      cache: config.cache,
      stopTimeoutSeconds: config.stopTimeoutSeconds,
      cacheMaxSize: config.cacheMaxSize,
      cacheTotalMaxSize: config.cacheTotalMaxSize,
    };
    const create = async (patch: Partial<SessionState>, name: string): Promise<void> => {
      state = { ...state, ...patch };
      await options.onState?.(state);
      this.resources.set(name, sessionId);
    };
    for (const phase of ['preflight', 'reap', 'certs'] as const) {
      log.info(`${phase} ...`);
      options.onPhase?.(phase, 5);
    }
    await create({ networkName: `net-${sessionId}` }, `net-${sessionId}`);
    options.onPhase?.('network', 7);
    if (this.failAfter === 'network') throw new SystemError('network trouble');
    const volume = `cache-${config.cacheKey}`;
    await create({ containerName: `dind-${sessionId}`, volumeName: volume }, `dind-${sessionId}`);
    const cacheHit = this.resources.has(volume);
    this.resources.set(volume, 'cache');
    options.onPhase?.('container', 11);
    if (this.failAfter === 'container') throw new SystemError('daemon did not answer');
    if (this.hangInReady) {
      await new Promise((_, reject) => {
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason));
      });
    }
    options.onPhase?.('ready', 13);
    return {
      id: sessionId,
      env: {
        DOCKER_HOST: 'tcp://10.9.8.7:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: `/tmp/certs-${sessionId}`,
      },
      config,
      containerId: `id-${sessionId}`,
      containerName: `dind-${sessionId}`,
      networkName: `net-${sessionId}`,
      cacheVolume: volume,
      cacheSlot: 0,
      cacheMode: 'slots',
      cacheHit,
      certDir: `/tmp/certs-${sessionId}`,
      engineVersion: '20.10.24',
      innerEngineVersion: '27.5.1',
      timings: { preflight: 5, reap: 5, certs: 5, network: 7, container: 11, ready: 13 },
      state,
    };
  };

  /** Connects where DOCKER_HOST points, like a Docker client would, then removes the session's resources. */
  teardownWith =
    (env: NodeJS.ProcessEnv) =>
    async (target: SessionState, _options: { log?: Logger }): Promise<TeardownReport> => {
      const host = env.DOCKER_HOST ?? OUTER;
      if (host !== OUTER) {
        return {
          sessionId: target.sessionId,
          removed: [],
          kept: [],
          warnings: [`cannot reach ${host}`],
          milliseconds: 1,
        };
      }
      const removed: string[] = [];
      for (const [name, session] of this.resources) {
        if (session === target.sessionId) {
          this.resources.delete(name);
          removed.push(name);
        }
      }
      const kept = target.volumeName ? [`volume ${target.volumeName}`] : [];
      return { sessionId: target.sessionId, removed, kept, warnings: [], milliseconds: 1200 };
    };

  leftovers(): string[] {
    return [...this.resources].filter(([, session]) => session !== 'cache').map(([name]) => name);
  }
}

function stepEnv(inputs: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '1', GITHUB_JOB: 'build' };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

async function job(
  engine: FakeEngine,
  inputs: Record<string, string> = {},
  signal = new AbortController().signal,
): Promise<JobRecord> {
  const record = new JobRecord();
  await runMain({ io: record.io(), env: stepEnv(inputs), launch: engine.launch, signal });
  // Later steps (and post) see what main exported.
  const postEnv: NodeJS.ProcessEnv = { ...stepEnv(inputs), ...record.exported };
  await runPost({ io: record.io(), teardown: engine.teardownWith(postEnv), env: postEnv });
  return record;
}

describe('main and post steps', () => {
  it('exports the client environment, sets the outputs, and post leaves only the cache volume', async () => {
    const engine = new FakeEngine();
    const record = new JobRecord();
    const env = stepEnv({ 'cache-key': 'k1' });
    await runMain({ io: record.io(), env, launch: engine.launch, signal: new AbortController().signal });
    expect(record.failed).toBeUndefined();
    const session = [...engine.resources].find(([name]) => name.startsWith('dind-'))![1];
    expect(record.exported.DOCKER_HOST).toMatch(/^tcp:\/\//);
    expect(record.exported.DOCKER_TLS_VERIFY).toBe('1');
    expect(record.outputs['docker-host']).toBe(record.exported.DOCKER_HOST);
    expect(record.outputs['cert-path']).toBe(record.exported.DOCKER_CERT_PATH);
    expect(record.outputs['container-id']).toContain(session);
    expect(record.outputs['cache-volume']).toBe('cache-k1');
    expect(record.outputs['cache-hit']).toBe('false');

    const postEnv = { ...env, ...record.exported };
    await runPost({ io: record.io(), teardown: engine.teardownWith(postEnv), env: postEnv });
    expect(record.warnings).toEqual([]);
    expect(engine.leftovers()).toEqual([]);
    expect([...engine.resources.keys()]).toEqual(['cache-k1']);
  });

  it('writes versions, phase times, and the cache state to the summary, and a teardown line', async () => {
    const engine = new FakeEngine();
    const first = await job(engine, { 'cache-key': 'k2' });
    const second = await job(engine, { 'cache-key': 'k2' });
    for (const record of [first, second]) {
      expect(record.summary).toContain('27.5.1');
      expect(record.summary).toContain('20.10.24');
      expect(record.summary).toContain('sysbox-runc');
      expect(record.summary).toContain('cache-k2');
      for (const phase of ['preflight', 'reap', 'certs', 'network', 'container', 'ready'])
        expect(record.summary).toContain(phase);
      expect(record.summary).toMatch(/torn down/);
    }
    expect(first.summary).toMatch(/cold/);
    expect(second.summary).toMatch(/warm/);
    expect(second.outputs['cache-hit']).toBe('true');
  });

  it('puts each launch phase in its own log group', async () => {
    const record = await job(new FakeEngine());
    const groups = record.log.filter((line) => line.startsWith('::group::'));
    for (const phase of ['preflight', 'reap', 'certs', 'network', 'container', 'ready']) {
      expect(groups).toContain(`::group::secure-dind: ${phase}`);
    }
    expect(record.log.filter((l) => l === '::endgroup::').length).toBe(groups.length);
  });

  it('writes no summary with summary: false', async () => {
    const record = await job(new FakeEngine(), { summary: 'false' });
    expect(record.failed).toBeUndefined();
    expect(record.summary).toBe('');
  });

  it('fails the step on a bad input, creates nothing, and post then does nothing', async () => {
    const engine = new FakeEngine();
    const record = await job(engine, { memory: 'lots' });
    expect(record.failed).toContain("input 'memory'");
    expect(engine.resources.size).toBe(0);
    expect(record.state).toEqual({});
    expect(record.warnings).toEqual([]);
    expect(record.log).toEqual([]);
  });

  it.each(['network', 'container'] as const)(
    'fails the step when launch fails after the %s, and post removes what was created',
    async (failAfter) => {
      const engine = new FakeEngine();
      engine.failAfter = failAfter;
      const record = await job(engine, { 'cache-key': `k-${failAfter}` });
      expect(record.failed).toBeDefined();
      expect(record.exported).toEqual({});
      expect(record.summary).toMatch(/launch failed/);
      expect(record.warnings).toEqual([]);
      expect(engine.leftovers()).toEqual([]);
    },
  );

  it('cancels a launch when the runner signals, and post cleans up', async () => {
    const engine = new FakeEngine();
    engine.hangInReady = true;
    const controller = new AbortController();
    const done = job(engine, {}, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error('cancelled by SIGTERM'));
    const record = await done;
    expect(record.failed).toContain('SIGTERM');
    expect(engine.leftovers()).toEqual([]);
  });

  it('post talks to the engine main used, not to the DOCKER_HOST later steps see', async () => {
    const engine = new FakeEngine();
    const record = await job(engine);
    expect(record.warnings).toEqual([]);
    expect(engine.leftovers()).toEqual([]);
  });

  it('post turns teardown problems into warnings, never a failed step', async () => {
    const engine = new FakeEngine();
    const record = new JobRecord();
    await runMain({
      io: record.io(),
      env: stepEnv(),
      launch: engine.launch,
      signal: new AbortController().signal,
    });
    await runPost({
      io: record.io(),
      env: {},
      teardown: async () => {
        throw new Error('engine gone');
      },
    });
    expect(record.failed).toBeUndefined();
    expect(record.warnings.join('\n')).toContain('engine gone');
  });

  it('install-runtime: auto checks the runtime before launching and names its version in the summary', async () => {
    const engine = new FakeEngine();
    const record = new JobRecord();
    await runMain({
      io: record.io(),
      env: stepEnv({ 'install-runtime': 'auto' }),
      launch: engine.launch,
      ensureRuntime: async () => ({ sysboxVersion: '0.6.7' }),
      signal: new AbortController().signal,
    });
    expect(record.failed).toBeUndefined();
    expect(record.summary).toContain('0.6.7');
  });

  it('install-runtime: auto raises a warning when the registered runtime is not Sysbox, and goes on', async () => {
    const engine = new FakeEngine();
    const record = new JobRecord();
    const warning = 'runtime sysbox-runc is registered but is not Sysbox';
    await runMain({
      io: record.io(),
      env: stepEnv({ 'install-runtime': 'auto' }),
      launch: engine.launch,
      ensureRuntime: async () => ({ sysboxVersion: undefined, warning }),
      signal: new AbortController().signal,
    });
    expect(record.failed).toBeUndefined();
    expect(record.warnings).toContain(warning);
  });

  it('install-runtime: auto fails the step before anything is created when the runtime cannot be had', async () => {
    const engine = new FakeEngine();
    const record = new JobRecord();
    const missing = async (): Promise<never> => {
      throw new SystemError('sysbox-runc is not registered', { hint: 'run sudo secure-dind bootstrap' });
    };
    await runMain({
      io: record.io(),
      env: stepEnv({ 'install-runtime': 'auto' }),
      launch: engine.launch,
      ensureRuntime: missing,
      signal: new AbortController().signal,
    });
    expect(record.failed).toContain('sysbox-runc is not registered');
    expect(record.failed).toContain('secure-dind bootstrap');
    expect(engine.resources.size).toBe(0);

    const never = new JobRecord();
    await runMain({
      io: never.io(),
      env: stepEnv({ 'install-runtime': 'never' }),
      launch: engine.launch,
      ensureRuntime: missing,
      signal: new AbortController().signal,
    });
    expect(never.failed).toBeUndefined();
  });

  it('post warns about unreadable state instead of failing', async () => {
    const record = new JobRecord();
    record.state.secure_dind = '{not json';
    await runPost({ io: record.io(), env: {}, teardown: new FakeEngine().teardownWith({}) });
    expect(record.failed).toBeUndefined();
    expect(record.warnings.length).toBe(1);
  });
});
