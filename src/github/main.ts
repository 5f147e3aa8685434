/** Entry point of the Action's main step (dist/main.js). */
import { ensureRuntime } from '../runtime/ensure.js';
import { launch } from '../session/launch.js';
import { runnerIo } from './io.js';
import { runMain } from './main-step.js';
import { abortOnSignals } from '../signals.js';

const cancel = abortOnSignals((signal) => runnerIo.info(`secure-dind: ${signal}, cancelling`));
try {
  await runMain({
    io: runnerIo,
    env: process.env,
    launch,
    // install-runtime: auto (with never, launch's own preflight reports a missing runtime).
    ensureRuntime: (config, { log }) =>
      ensureRuntime({
        runtime: config.runtime,
        engineHost: config.engineHost,
        install: 'auto',
        log: (line) => log.info(line),
      }),
    signal: cancel.signal,
  });
} finally {
  cancel.dispose();
}
// Keep-alive sockets of the engine client must not hold the step open.
process.exit();
