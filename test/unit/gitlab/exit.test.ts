import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError, JobFailure, SystemError } from '../../../src/core/errors.js';
import { exitCodeFor, failureCodes, recordBuildExitCode } from '../../../src/gitlab/exit.js';

const env = { BUILD_FAILURE_EXIT_CODE: '37', SYSTEM_FAILURE_EXIT_CODE: '42' };

describe('exit codes', () => {
  it('takes both codes from the environment the runner sets', () => {
    expect(failureCodes(env)).toEqual({ build: 37, system: 42 });
  });

  it.each([
    ['a successful stage', { kind: 'success' as const }, 0],
    ['a failing script', { kind: 'script-failed' as const, exitCode: 3 }, 37],
    ['a stage stopped by the runner', { kind: 'interrupted' as const }, 37],
    ['a job failure', { kind: 'error' as const, error: new JobFailure('x', 5) }, 37],
    [
      "the job's own bad setting",
      { kind: 'error' as const, error: new BadInputError('image', 'x', 'y') },
      37,
    ],
    ['an infrastructure error', { kind: 'error' as const, error: new SystemError('engine unreachable') }, 42],
    ['an unexpected exception', { kind: 'error' as const, error: new Error('boom') }, 42],
  ])('%s exits with the matching code', (_what, outcome, expected) => {
    expect(exitCodeFor(outcome, failureCodes(env))).toBe(expected);
  });

  it('never invents GitLab codes when the runner gave none (run by hand)', () => {
    const codes = failureCodes({});
    expect(codes.build).toBe(codes.system);
    expect([37, 42]).not.toContain(codes.build);
  });

  it('records only the integer status in BUILD_EXIT_CODE_FILE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exit-code-'));
    try {
      const file = join(dir, 'code');
      await recordBuildExitCode({ BUILD_EXIT_CODE_FILE: file }, 7);
      expect((await readFile(file, 'utf8')).trim()).toBe('7');
      await expect(recordBuildExitCode({}, 7)).resolves.toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
