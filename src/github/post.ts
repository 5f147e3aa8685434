/**
 * The Action's post step wired to the runner: run() does the work, importing this module does
 * nothing. dist/post.js (entry-post.ts) calls run(); so does GitHub's local-action runner.
 */
import { teardown } from '../session/teardown.js';
import { withHostEngine } from './host-engine.js';
import { runnerIo } from './io.js';
import { runPost } from './post-step.js';

export async function run(): Promise<void> {
  await runPost({
    io: runnerIo,
    env: process.env,
    teardown: (target, options) =>
      withHostEngine(target.engineHost, options.log, (engine) => teardown(target, { ...options, engine })),
  });
}
