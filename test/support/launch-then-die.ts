/**
 * A launch that is SIGKILLed at a chosen point, as `secure-dind up` would be by a crash or the
 * OOM killer: it records its state the way `up` does (a session record before each side effect),
 * then kills itself the instant the point is reached, so nothing of this process runs after it.
 * Its clock runs an hour behind, so the session is already past its deadline when `gc` looks.
 *
 * Usage: node --import tsx launch-then-die.ts POINT STATE_DIR CERT_PARENT CACHE_KEY JOB_ID
 * POINT: network (created) | certs (written) | create (container created, not started) |
 *        readiness (daemon started, not yet answering)
 */
import { launch } from '../../src/session/launch.js';
import { saveSessionRecord } from '../../src/session/records.js';
import { testConfig } from './session.js';

const [point, stateDir, certParentDir, cacheKey, jobId] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const die = () => process.kill(process.pid, 'SIGKILL');

await launch(
  testConfig({ 'cache-key': cacheKey, deadline: '60s' }),
  {
    jobId,
    certParentDir,
    onState: async (state) => {
      await saveSessionRecord(stateDir, state);
      process.stdout.write(`session ${state.sessionId}\n`);
      if (point === 'create' && state.containerName) die();
    },
    onPhase: (phase) => {
      if (phase === point || (point === 'readiness' && phase === 'container')) die();
    },
  },
  { stateDir, now: () => new Date(Date.now() - 3600_000) },
);
process.stdout.write('launch finished without reaching the kill point\n');
process.exit(3);
