import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobCacheScope } from '../../../src/gitlab/job.js';
import { stageLocation } from '../../../src/gitlab/run.js';
import { loadJobState, noteBuildResult, saveJobState } from '../../../src/gitlab/state.js';

/** Runs stages with their results, as the run stage notes them; returns what cleanup reads. */
async function resultAfter(stages: readonly (readonly [string, boolean])[]) {
  const file = join(mkdtempSync(join(tmpdir(), 'sd-unit-state-')), 'job.json');
  await saveJobState(file, { version: 1, jobId: '1', label: 'l', serviceContainers: [], sessions: {} });
  for (const [stage, succeeded] of stages)
    await noteBuildResult(file, stage, stageLocation(stage), succeeded);
  return (await loadJobState(file))?.buildResult;
}

describe('the build result cleanup commits by', () => {
  it('is succeeded when every build stage succeeded, whatever after_script did', async () => {
    expect(
      await resultAfter([
        ['prepare_script', true],
        ['get_sources', true],
        ['step_script', true],
        ['after_script', false],
        ['upload_artifacts_on_success', true],
      ]),
    ).toBe('succeeded');
  });

  it('is failed for good once a build stage failed, even if a later one succeeds', async () => {
    expect(
      await resultAfter([
        ['step_script', false],
        ['step_release', true],
      ]),
    ).toBe('failed');
  });

  it('is failed when GitLab runs a stage it runs only after a failure', async () => {
    expect(
      await resultAfter([
        ['get_sources', true],
        ['upload_artifacts_on_failure', true],
      ]),
    ).toBe('failed');
  });

  it('is unset when no build stage finished (a job cancelled before its script): cleanup discards', async () => {
    expect(
      await resultAfter([
        ['prepare_script', true],
        ['get_sources', true],
      ]),
    ).toBeUndefined();
  });
});

describe('GitLab cache scope', () => {
  it('commits to the trusted ref and falls back to the default branch', () => {
    expect(jobCacheScope('feature', 'main')).toEqual({ write: 'feature', read: ['feature', 'main'] });
    expect(jobCacheScope('main', 'main')).toEqual({ write: 'main', read: ['main'] });
  });

  it('uses the default branch, then "default", when the ref is missing or unusable', () => {
    expect(jobCacheScope(undefined, 'main').write).toBe('main');
    expect(jobCacheScope('a b', undefined)).toEqual({ write: 'default', read: ['default'] });
  });
});
