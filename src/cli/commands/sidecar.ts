/**
 * `secure-dind sidecar [probe|prestop]`: the DinD container's entrypoint in a Kubernetes pod, and
 * the probe and preStop hook kubelet runs in that container. Settings come from the environment
 * the rendered manifest sets (SECURE_DIND_*).
 */
import { withSignals } from '../../signals.js';
import { applyCacheBudget, parseSidecarSettings, probeDaemon, runSidecar } from '../../k8s/sidecar.js';
import { SIDECAR_ENV } from '../../k8s/pod.js';
import type { CliCommand } from '../command.js';
import { command, stderrLogger } from '../io.js';
import { parseCommandLine } from '../options.js';
import { parseCommandArgs } from '../settings.js';
import { BadInputError } from '../../core/errors.js';

const USAGE = `Usage: secure-dind sidecar [probe|prestop]

The DinD container of a runner pod (see secure-dind k8s render). Without an argument: lease a cache
slot, make per-pod certificates, start dockerd with mutual TLS, report ready, and on SIGTERM apply
the cache budget and stop dockerd gracefully.
  probe     one mutual-TLS ping of the daemon (startup and readiness probes); exit 0 when it answers
  prestop   bring the cache under cache-max-size while the daemon still runs (preStop hook)

Environment: the session settings (SECURE_DIND_CACHE, SECURE_DIND_CACHE_MAX_SIZE, ...) and
${Object.values(SIDECAR_ENV).join(', ')}.`;

export const sidecarCommand: CliCommand = command({
  name: 'sidecar',
  summary: "run a pod's unprivileged Docker daemon with mutual TLS (Kubernetes DinD container)",
  usage: USAGE,
  async run(args, io) {
    const accepted = 'nothing, probe or prestop';
    const [mode] = parseCommandLine(args, {}, { maxPositionals: 1, positionalsForm: accepted }).positionals;
    if (mode !== undefined && mode !== 'probe' && mode !== 'prestop') {
      throw new BadInputError('arguments', args.join(' '), accepted);
    }
    const settings = parseSidecarSettings(io.env);
    const log = stderrLogger(io, false);
    const sidecarLog = { ...log, info: (m: string) => log.info(`secure-dind sidecar: ${m}`) };
    if (mode === 'probe') {
      io.stdout.write(`daemon ${await probeDaemon(settings)} answers over mutual TLS\n`);
      return 0;
    }
    const { config } = parseCommandArgs([], io.env);
    if (mode === 'prestop') {
      await applyCacheBudget(config, settings, sidecarLog);
      return 0;
    }
    return withSignals((stop) => runSidecar(config, settings, sidecarLog, stop));
  },
});
