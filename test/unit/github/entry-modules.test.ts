/**
 * The modules GitHub's local-action runner imports (src/github/main.ts and post.ts) as the
 * TypeScript action template has them: each exports run() and importing it starts nothing.
 */
import { describe, expect, it } from 'vitest';

const stepModules = {
  main: () => import('../../../src/github/main.js'),
  post: () => import('../../../src/github/post.js'),
};

// Transforming main's module graph (dockerode and all) takes seconds on a busy 2-core machine.
const IMPORT_TIMEOUT_MS = 60_000;

describe('Action step modules', () => {
  it.each(Object.entries(stepModules))(
    '%s exports run() and starts nothing on import',
    async (_step, load) => {
      const signalListeners = process.listenerCount('SIGTERM');
      const { run } = await load();
      expect(run).toBeTypeOf('function');
      // A step under way listens for the runner's cancellation and sets the exit code when it fails.
      expect(process.listenerCount('SIGTERM')).toBe(signalListeners);
      expect(process.exitCode).toBeUndefined();
    },
    IMPORT_TIMEOUT_MS,
  );
});
