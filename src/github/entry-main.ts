/** dist/main.js: the Action's main step. */
import { run } from './main.js';

await run();
