/** `secure-dind doctor [--json] [--runtime NAME]`: preflight checks for a runner host. */
import { DEFAULT_RUNTIME } from '../../runtime/compat.js';
import { diagnoseHost, renderChecks, worstStatus } from '../../runtime/doctor.js';
import { localEdges, type HostEdges } from '../../runtime/host.js';
import type { CliCommand } from '../command.js';
import { command, parseOptions, printJson } from '../io.js';

const USAGE = `Usage: secure-dind doctor [--json] [--runtime NAME]

Checks this host for what secure-dind needs: architecture, distro, kernel (Sysbox's minimum for the
distro, ID-mapped mounts or shiftfs), systemd, the Docker engine (not snap, not rootless),
the filesystem under /var/lib, daemon.json, the AppArmor fusermount3 profile, the Sysbox units,
the runtime registered with the engine (and whether it really is Sysbox) and the Sysbox version.
Each check passes, warns or fails, with the fix in words.

  --json          print {ready, status, checks: [{id, title, status, detail, fix}]}
  --runtime NAME  the runtime name sessions use (default ${DEFAULT_RUNTIME})

Exit status: 0 when nothing fails (warnings allowed), 1 when a check fails, 2 on bad arguments.`;

export function createDoctorCommand(makeEdges: () => HostEdges = localEdges): CliCommand {
  return command({
    name: 'doctor',
    summary: 'check this host can run secure-dind sessions (Sysbox, kernel, Docker)',
    usage: USAGE,
    async run(args, io) {
      const values = parseOptions('doctor', args, { json: { type: 'boolean' }, runtime: { type: 'string' } });
      const checks = await diagnoseHost(makeEdges(), values.runtime ?? DEFAULT_RUNTIME);
      const status = worstStatus(checks);
      if (values.json) printJson(io, { ready: status !== 'fail', status, checks });
      else io.stdout.write(renderChecks(checks));
      return status === 'fail' ? 1 : 0;
    },
  });
}

export const doctorCommand = createDoctorCommand();
