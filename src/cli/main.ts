#!/usr/bin/env node
/** The secure-dind command: dispatches to the subcommands. */
import type { CliCommand, CliIo } from './command.js';
import { bootstrapCommand } from './commands/bootstrap.js';
import { doctorCommand } from './commands/doctor.js';
import { gitlabCommand } from './commands/gitlab.js';
import { k8sCommand } from './commands/k8s.js';
import { mirrorCommand } from './commands/mirror.js';
import { sidecarCommand } from './commands/sidecar.js';
import { downCommand, gcCommand, lsCommand, runCommand, upCommand } from './commands/session.js';
import { VERSION } from '../version.js';

const COMMANDS: readonly CliCommand[] = [
  doctorCommand,
  bootstrapCommand,
  upCommand,
  downCommand,
  runCommand,
  lsCommand,
  gcCommand,
  mirrorCommand,
  gitlabCommand,
  k8sCommand,
  sidecarCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `secure-dind ${VERSION}: job-scoped Docker daemons in unprivileged Sysbox containers, reachable only over mutual TLS`,
    '',
    'Usage: secure-dind COMMAND [options]   (secure-dind COMMAND --help for details)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`secure-dind: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return command.run(args, io);
}

const status = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = status;
