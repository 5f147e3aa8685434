/**
 * Apply and verify: carries an install plan out through the edges, then waits for the engine to
 * list the runtime, gathers the host's facts again (with a smoke container) and judges them with
 * the verification checks. bootstrapSysbox is the whole of it: facts, plan, apply, verify.
 */
import { SystemError } from '../core/errors.js';
import { retry, RetryTimeout } from '../core/retry.js';
import { SILENT_LOGGER } from '../core/logger.js';
import type { Clock, Logger } from '../ports.js';
import { DEFAULT_RUNTIME } from './compat.js';
import { runChecks, type Check } from './checks.js';
import { gatherHostFacts, runtimeRegistered } from './facts.js';
import type { HostEdges, RuntimeEdges } from './host.js';
import { planInstall, type InstallPlan, type InstallRequest } from './plan.js';
import { VERIFY_CHECKS } from './sysbox-checks.js';

export const DEFAULT_SMOKE_IMAGE = 'busybox:latest';

/** Carries out the steps in order; the first failure stops it. */
export async function executePlan(
  plan: InstallPlan,
  edges: Pick<RuntimeEdges, 'runner' | 'files' | 'downloader'>,
  log: Logger = SILENT_LOGGER,
): Promise<void> {
  for (const step of plan.steps) {
    log.info(`- ${step.describe}`);
    switch (step.kind) {
      case 'download': {
        const result = await edges.downloader.download(step.url, edges.files.resolve(step.path));
        if (result.sha256 !== step.sha256) {
          await edges.files.remove(step.path);
          throw new SystemError(
            `sha256 mismatch for ${step.url}: expected ${step.sha256}, got ${result.sha256}; the file was deleted and nothing was installed`,
            {
              hint: 'the download was corrupted or replaced; retry, and if it persists check the URL and the digest (--url/--sha256)',
            },
          );
        }
        break;
      }
      case 'write-file': {
        await edges.files.write(step.path, step.content);
        break;
      }
      case 'run': {
        const result = await edges.runner.run(step.argv, { env: step.env });
        if (result.exitCode !== 0) {
          const tail = (result.stderr || result.stdout).trim().split('\n').slice(-8).join('\n');
          throw new SystemError(`${step.argv.join(' ')} failed with exit code ${result.exitCode}:\n${tail}`, {
            hint: 'nothing after this step ran; fix the cause and rerun secure-dind bootstrap (it is idempotent)',
          });
        }
        break;
      }
    }
  }
}

export interface VerifyOptions {
  readonly runtime: string;
  readonly smokeImage: string;
  /** How long to wait for the engine to list the runtime (the installer reloads Docker). */
  readonly waitMs?: number | undefined;
  readonly clock?: Clock | undefined;
}

/** What an install should have produced: units active, the runtime registered, a user-namespaced container. */
export async function verifyInstall(edges: HostEdges, options: VerifyOptions): Promise<Check[]> {
  await retry(
    async () => {
      if (!(await runtimeRegistered(edges.engine, options.runtime))) {
        throw new Error(`the engine does not list ${options.runtime} yet`);
      }
    },
    { timeoutMs: options.waitMs ?? 20_000, initialDelayMs: 500, factor: 1, clock: options.clock },
  ).catch((error: unknown) => {
    // Still unlisted after the wait: the registration check below says so, with the fix.
    if (!(error instanceof RetryTimeout)) throw error;
  });
  const facts = await gatherHostFacts(edges, options.runtime, { smokeImage: options.smokeImage });
  return runChecks(VERIFY_CHECKS, facts);
}

export interface BootstrapOutcome {
  readonly plan: InstallPlan;
  /** Empty on a dry run. */
  readonly verification: readonly Check[];
}

export interface BootstrapOptions extends InstallRequest {
  readonly runtime?: string;
  readonly smokeImage?: string | undefined;
  readonly dryRun?: boolean;
  readonly log?: Logger;
  readonly verifyWaitMs?: number;
  readonly clock?: Clock;
}

/**
 * The whole bootstrap: facts, plan, (a dry run stops here) steps, verification. Throws a
 * SystemError when the plan refuses, or a step or the verification fails.
 */
export async function bootstrapSysbox(
  edges: RuntimeEdges,
  options: BootstrapOptions = {},
): Promise<BootstrapOutcome> {
  const runtime = options.runtime ?? DEFAULT_RUNTIME;
  const log = options.log ?? SILENT_LOGGER;
  const plan = planInstall(await gatherHostFacts(edges, runtime), options);
  if (options.dryRun) return { plan, verification: [] };
  for (const note of plan.notes) log.info(note);
  await executePlan(plan, edges, log);
  const verification = await verifyInstall(edges, {
    runtime,
    smokeImage: options.smokeImage ?? DEFAULT_SMOKE_IMAGE,
    waitMs: options.verifyWaitMs,
    clock: options.clock,
  });
  const failed = verification.filter((c) => c.status === 'fail');
  if (failed.length > 0) {
    throw new SystemError(`Sysbox verification failed: ${failed.map((c) => c.detail).join('; ')}`, {
      hint:
        failed
          .map((c) => c.fix)
          .filter(Boolean)
          .join('; ') || undefined,
    });
  }
  return { plan, verification };
}
