/**
 * What every step of a launch shares: the engine, the settings, the session's identity, and the
 * session record, which a step updates (and the caller persists) before each side effect.
 */
import type { SessionConfig } from '../core/config.js';
import { type ResourceRole, resourceLabels } from '../core/names.js';
import type { EnginePort, Logger } from '../ports.js';
import type { LaunchOptions, SessionState } from './types.js';

export class LaunchContext {
  private current: SessionState;
  /** The cache volume this launch made for the slot it is taking: empty until its daemon runs. */
  madeVolume: string | undefined;

  constructor(
    readonly engine: EnginePort,
    readonly config: SessionConfig,
    readonly options: LaunchOptions,
    readonly stateDir: string,
    readonly createdAt: Date,
    readonly deadline: Date,
    identity: { readonly sessionId: string; readonly certDir: string },
  ) {
    this.current = {
      version: 1,
      sessionId: identity.sessionId,
      deadline: deadline.toISOString(),
      certDir: identity.certDir,
      engineHost: config.engineHost,
      cache: config.cache,
      stopTimeoutSeconds: config.stopTimeoutSeconds,
      cacheMaxSize: config.cacheMaxSize,
      cacheTotalMaxSize: config.cacheTotalMaxSize,
    };
  }

  get log(): Logger | undefined {
    return this.options.log;
  }

  get sessionId(): string {
    return this.current.sessionId;
  }

  get certDir(): string {
    return this.current.certDir!;
  }

  get state(): SessionState {
    return this.current;
  }

  /** Adds to the session record and hands it to the caller; call it before the side effect. */
  async record(patch: Partial<SessionState>): Promise<void> {
    this.current = { ...this.current, ...patch };
    await this.options.onState?.(this.current);
  }

  /** The labels of a resource this session creates. */
  labels(role: ResourceRole, extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...resourceLabels({
        sessionId: this.sessionId,
        role,
        jobId: this.options.jobId,
        createdAt: this.createdAt,
        deadline: this.deadline,
      }),
      ...extra,
    };
  }
}
