/** dist/post.js: the Action's post step. */
import { run } from './post.js';

await run();
