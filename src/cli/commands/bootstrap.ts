/** `secure-dind bootstrap [--version V] [--dry-run]`: installs or upgrades Sysbox CE on this host. */
import { spawn } from 'node:child_process';
import { DEFAULT_SMOKE_IMAGE, bootstrapSysbox } from '../../runtime/apply.js';
import { DEFAULT_RUNTIME, DEFAULT_SYSBOX_VERSION, SYSBOX_RELEASES } from '../../runtime/compat.js';
import { renderChecks } from '../../runtime/doctor.js';
import { createLocalRunner, localEdges, type CommandRunner, type RuntimeEdges } from '../../runtime/host.js';
import { renderPlan } from '../../runtime/plan.js';
import type { CliCommand } from '../command.js';
import { command, parseOptions, stderrLogger } from '../io.js';

const USAGE = `Usage: secure-dind bootstrap [--version V] [--url URL --sha256 HEX] [--dry-run] [--runtime NAME] [--smoke-image IMAGE]

Installs Sysbox CE when it is missing or older than the minimum, then verifies it: the sysbox,
sysbox-mgr and sysbox-fs units are active, Docker lists the runtime, and a smoke container under
it runs in a user namespace. Idempotent: on a ready host it changes nothing.

The package is downloaded, its sha256 checked against a pinned digest (a mismatch deletes it and
installs nothing), then installed through apt with its dependencies (fuse3 first). When containers
exist, bip and default-address-pools are written to /etc/docker/daemon.json first (with Docker's
current values) so the Sysbox installer need not restart Docker. Containers are never stopped.

  --version V         Sysbox version (default ${DEFAULT_SYSBOX_VERSION}; pinned: ${Object.keys(SYSBOX_RELEASES).join(', ')})
  --url URL           download from URL instead (env SECURE_DIND_SYSBOX_URL); needs --sha256
  --sha256 HEX        expected sha256 of the package (env SECURE_DIND_SYSBOX_SHA256)
  --dry-run           print the plan and change nothing
  --runtime NAME      runtime name to verify (default ${DEFAULT_RUNTIME})
  --smoke-image IMAGE image for the smoke container (default ${DEFAULT_SMOKE_IMAGE}; pulled when missing)

Needs root. Run as another user it re-runs itself with passwordless sudo when available,
and otherwise prints the exact command to run.
Exit status: 0 ready, 1 failure, 2 bad arguments.`;

/** How the command gets root. Pure. */
export type Privilege =
  | { readonly kind: 'root' }
  | { readonly kind: 'sudo' }
  | { readonly kind: 'instruct'; readonly command: string };

export function choosePrivilege(
  uid: number,
  sudoWithoutPassword: boolean,
  commandLine: readonly string[],
): Privilege {
  if (uid === 0) return { kind: 'root' };
  if (sudoWithoutPassword) return { kind: 'sudo' };
  return { kind: 'instruct', command: ['sudo', ...commandLine].map(shellQuote).join(' ') };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface BootstrapDeps {
  readonly edges: () => RuntimeEdges;
  readonly uid: () => number;
  readonly runner: CommandRunner;
  /** Re-runs this process's command line under `sudo -n`; returns its exit status. */
  readonly reexecWithSudo: (args: readonly string[]) => Promise<number>;
}

export function createBootstrapCommand(deps: Partial<BootstrapDeps> = {}): CliCommand {
  return command({
    name: 'bootstrap',
    summary: 'install or upgrade Sysbox CE on this runner host, then verify it',
    usage: USAGE,
    async run(args, io) {
      const values = parseOptions('bootstrap', args, {
        version: { type: 'string' },
        url: { type: 'string' },
        sha256: { type: 'string' },
        'dry-run': { type: 'boolean' },
        runtime: { type: 'string' },
        'smoke-image': { type: 'string' },
      });
      const request = {
        runtime: values.runtime ?? DEFAULT_RUNTIME,
        version: values.version ?? io.env.SECURE_DIND_SYSBOX_VERSION,
        url: values.url ?? io.env.SECURE_DIND_SYSBOX_URL,
        sha256: values.sha256 ?? io.env.SECURE_DIND_SYSBOX_SHA256,
        smokeImage: values['smoke-image'],
      };
      const runner = deps.runner ?? createLocalRunner();
      const edges = (deps.edges ?? (() => localEdges({ progress: io.stderr })))();
      if (values['dry-run']) {
        const { plan } = await bootstrapSysbox(edges, { ...request, dryRun: true });
        io.stdout.write(`Plan (dry run, nothing changed):\n${renderPlan(plan)}`);
        return 0;
      }
      const uid = (deps.uid ?? (() => process.getuid?.() ?? 0))();
      const sudoOk = uid !== 0 && (await runner.run(['sudo', '-n', 'true'])).exitCode === 0;
      // Resolved values travel as flags: sudo does not pass the environment on.
      const forwarded = [
        'bootstrap',
        ...(request.version ? ['--version', request.version] : []),
        ...(request.url ? ['--url', request.url] : []),
        ...(request.sha256 ? ['--sha256', request.sha256] : []),
        ...(values.runtime ? ['--runtime', values.runtime] : []),
        ...(request.smokeImage ? ['--smoke-image', request.smokeImage] : []),
      ];
      const privilege = choosePrivilege(uid, sudoOk, ['secure-dind', ...forwarded]);
      if (privilege.kind === 'instruct') {
        io.stderr.write(
          `secure-dind bootstrap needs root and passwordless sudo is not available. Run:\n  ${privilege.command}\n`,
        );
        return 1;
      }
      if (privilege.kind === 'sudo') {
        io.stderr.write('not root: re-running with sudo -n\n');
        return await (deps.reexecWithSudo ?? reexecWithSudo)(forwarded);
      }
      const outcome = await bootstrapSysbox(edges, {
        ...request,
        log: stderrLogger(io, false),
      });
      if (outcome.plan.upToDate) io.stdout.write(`${outcome.plan.notes.join('\n')}\n`);
      io.stdout.write(renderChecks(outcome.verification));
      return 0;
    },
  });
}

async function reexecWithSudo(args: readonly string[]): Promise<number> {
  const script = process.argv[1];
  if (script === undefined) throw new Error('cannot find this program to re-run it');
  const child = spawn('sudo', ['-n', '--', process.execPath, script, ...args], { stdio: 'inherit' });
  return new Promise((done) => child.on('exit', (code) => done(code ?? 1)));
}

export const bootstrapCommand = createBootstrapCommand();
