/** `secure-dind gitlab ...`: routes to the GitLab Runner custom executor driver (src/gitlab/main.ts). */
import { DRIVER_USAGE } from '../../gitlab/arguments.js';
import { runDriver } from '../../gitlab/main.js';
import type { CliCommand } from '../command.js';

export const gitlabCommand: CliCommand = {
  name: 'gitlab',
  summary: 'GitLab Runner custom executor driver (config, prepare, run, cleanup)',
  usage: DRIVER_USAGE,
  run: runDriver,
};
