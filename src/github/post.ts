/** Entry point of the Action's post step (dist/post.js). */
import { teardown } from '../session/teardown.js';
import { runnerIo } from './io.js';
import { runPost } from './post-step.js';

await runPost({ io: runnerIo, teardown, env: process.env });
// Post never fails the job, whatever happened above; keep-alive sockets must not hold it open.
process.exit(0);
