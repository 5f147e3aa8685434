/**
 * The Action's main step wired to the runner, as GitHub's TypeScript action template has it: run()
 * does the work, importing this module does nothing. dist/main.js (entry-main.ts) calls run(); so
 * does GitHub's local-action runner.
 */
import { ensureRuntime } from '../runtime/ensure.js';
import { launch } from '../session/launch.js';
import { withSignals } from '../signals.js';
import { withHostEngine } from './host-engine.js';
import { runnerIo } from './io.js';
import { runMain } from './main-step.js';

/** ensureRuntime logs its warning and returns it as well; runMain shows the returned one. */

export async function run(): Promise<void> {
  await withSignals(
    (signal) =>
      runMain({
        io: runnerIo,
        env: process.env,
        launch: (config, options) =>
          withHostEngine(config.engineHost, options.log, (engine) => launch(config, options, { engine })),
        // install-runtime: auto (with never, launch's own preflight reports a missing runtime).
        ensureRuntime: (config, { log }) =>
          ensureRuntime({
            runtime: config.runtime,
            engineHost: config.engineHost,
            install: 'auto',
            log,
          }),
        signal,
      }),
    (signal) => runnerIo.info(`secure-dind: ${signal}, cancelling`),
  );
}
