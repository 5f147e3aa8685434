import { describe, expect, it } from 'vitest';
import { stageLocation } from '../../../src/gitlab/run.js';

describe('stage routing', () => {
  // Stages GitLab documents as needing gitlab-runner or git run in the helper container, never on the host.
  it.each([
    'prepare_script',
    'get_sources',
    'clear_worktree',
    'restore_cache',
    'download_artifacts',
    'archive_cache',
    'archive_cache_on_failure',
    'upload_artifacts_on_success',
    'upload_artifacts_on_failure',
    'cleanup_file_variables',
  ])('%s runs in the helper container', (stage) => {
    expect(stageLocation(stage)).toBe('helper');
  });

  // The user's own scripts, and any stage a future runner invents, run in the job container.
  it.each([
    'build_script',
    'step_script',
    'step_release',
    'step_accessibility',
    'after_script',
    'prepare_executor',
    'some_future_stage',
  ])('%s runs in the job container', (stage) => {
    expect(stageLocation(stage)).toBe('job');
  });
});
