/**
 * The Action through GitHub's local-action runner (@github/local-action), the way a newcomer tries
 * it: `local-action . src/github/main.ts <dotenv file> --post <post entry>`, against the real engine.
 * The runner imports each entry module and awaits its run(); it stubs @actions/core, keeps the saved
 * state in memory for post, and puts exported variables into its process's environment. Between
 * main and post, a later step (test/fixtures/local-action/later-step-then-post.ts) uses the exported
 * environment with the docker CLI.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LABELS, sessionNetworkName } from '../../src/core/names.js';
import type { LaterStepReport } from '../fixtures/local-action/later-step-then-post.js';
import {
  BUSYBOX_IMAGE,
  DOCKER_CLI,
  RUNNER_IMAGE,
  TEST_RUNTIME,
  engineReady,
  hostDocker,
  hostResources,
  removeHostResources,
} from '../support/engine.js';

const LOCAL_ACTION = resolve('node_modules/.bin/local-action');
const POST_ENTRY = 'test/fixtures/local-action/later-step-then-post.ts';
const HOST_ENGINE = 'DOCKER_HOST=unix:///var/run/docker.sock DOCKER_TLS_VERIFY= DOCKER_CERT_PATH=';

const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

/** `key=value` lines the later step prints. */
function keyValues(text: string): Record<string, string> {
  return Object.fromEntries(
    lines(text)
      .map((line) => /^(\w+)=(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1]!, match[2]!]),
  );
}

/** The stubbed core prints `::set-output name=NAME::VALUE` for every output. */
function outputsOf(stdout: string): Record<string, string> {
  return Object.fromEntries(
    [...stdout.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)].map((m) => [m[1], m[2]]),
  );
}

async function runLocalAction(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const child = spawn(LOCAL_ACTION, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  return { exitCode, stdout, stderr };
}

describe.runIf(engineReady)("the Action through GitHub's local-action runner", () => {
  it('runs main, a later step reaches the job daemon over mutual TLS, post leaves only the cache volume', async () => {
    const run = randomBytes(4).toString('hex');
    const cacheKey = `it-la-${run}`;
    const jobId = `${run}-1-local-action`;
    const token = `hello-${run}`;
    const dir = mkdtempSync(join(tmpdir(), 'sd-local-action-'));
    try {
      const runnerTemp = join(dir, 'temp');
      mkdirSync(runnerTemp);
      const summary = join(dir, 'summary.md');
      writeFileSync(summary, '');
      const dotenv = join(dir, '.env');
      writeFileSync(
        dotenv,
        [
          `INPUT_IMAGE=${RUNNER_IMAGE}`,
          `INPUT_RUNTIME=${TEST_RUNTIME}`,
          `INPUT_CACHE-KEY=${cacheKey}`,
          'GITHUB_REPOSITORY=acme/app',
          `GITHUB_RUN_ID=${run}`,
          'GITHUB_RUN_ATTEMPT=1',
          'GITHUB_JOB=local-action',
          `GITHUB_STEP_SUMMARY=${summary}`,
          `RUNNER_TEMP=${runnerTemp}`,
        ].join('\n'),
      );
      const reportFile = join(dir, 'later-step.json');
      // What a workflow's `run:` step would do with the exported variables; the host engine is
      // reached only to hand the test image over and to learn the session's id.
      const laterStep = [
        `echo "server=$(${DOCKER_CLI} version --format '{{.Server.Version}}')"`,
        `if env -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH ${DOCKER_CLI} version >/dev/null 2>&1; then echo plain=answered; else echo plain=refused; fi`,
        `${HOST_ENGINE} ${DOCKER_CLI} save ${BUSYBOX_IMAGE} | ${DOCKER_CLI} load -q >/dev/null`,
        `echo "echoed=$(${DOCKER_CLI} run --rm ${BUSYBOX_IMAGE} echo ${token})"`,
        `echo "session=$(${HOST_ENGINE} ${DOCKER_CLI} ps --filter label=${LABELS.job}=${jobId} --format '{{.Label "${LABELS.session}"}}')"`,
      ].join('\n');

      const result = await runLocalAction(['.', 'src/github/main.ts', dotenv, '--post', POST_ENTRY], {
        ...process.env,
        DOCKER_HOST: undefined,
        DOCKER_TLS_VERIFY: undefined,
        DOCKER_CERT_PATH: undefined,
        SD_LATER_STEP_SCRIPT: laterStep,
        SD_LATER_STEP_REPORT: reportFile,
      });
      const described = `exit ${result.exitCode}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.exitCode, described).toBe(0);
      expect(result.stdout, described).toContain('Running Post Step');
      // The real @actions/core would print this; the runner stubs it only at the path `npm ls` reports
      // (a symlinked node_modules defeats that, and post then finds no state).
      expect(result.stdout, 'local-action did not stub @actions/core').not.toContain('::save-state');
      expect(result.stdout).not.toMatch(/^::error::/m);
      // The stand-in runtime is not Sysbox: said once, as a warning.
      expect(result.stdout.match(/is registered but is not Sysbox/g), described).toHaveLength(1);
      expect(result.stdout).toMatch(/^::warning::runtime sysbox-runc is registered but is not Sysbox/m);

      const outputs = outputsOf(result.stdout);
      const later = JSON.parse(readFileSync(reportFile, 'utf8')) as LaterStepReport;
      const seen = keyValues(later.stdout);
      expect(later.exitCode, later.stderr).toBe(0);
      expect(later.dockerEnv).toEqual({
        DOCKER_HOST: outputs['docker-host'],
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: outputs['cert-path'],
      });
      expect(outputs['docker-host']).toMatch(/^tcp:\/\/[^/]+:2376$/);
      expect(outputs['cert-path']!.startsWith(runnerTemp)).toBe(true);
      expect(seen.server).toMatch(/^\d+\.\d+/);
      expect(seen.plain).toBe('refused');
      expect(seen.echoed).toBe(token);
      const sessionId = seen.session!;
      expect(sessionId).toMatch(/^[0-9a-f]+$/);

      // After post: certificates gone, nothing of the session left on the host but its cache volume.
      expect(existsSync(outputs['cert-path']!)).toBe(false);
      const left = await hostResources(`${LABELS.session}=${sessionId}`);
      expect(left.containers).toEqual([]);
      expect(left.networks).toEqual([]);
      expect(left.volumes.filter((v) => v !== outputs['cache-volume'])).toEqual([]);
      expect(lines(await hostDocker(['network', 'ls', '--format', '{{.Name}}']))).not.toContain(
        sessionNetworkName(sessionId),
      );
      expect(await hostDocker(['volume', 'inspect', outputs['cache-volume']!])).toContain(cacheKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      // A failed run leaves the session's network, which carries the job's label but not the cache key's.
      await removeHostResources(`${LABELS.job}=${jobId}`);
      await removeHostResources(`${LABELS.cacheKey}=${cacheKey}`);
    }
  });
});
