/**
 * `secure-dind k8s render TARGET [options]`: prints manifests for a Kubernetes runner fleet from
 * the same settings as the other commands, plus the Kubernetes-only options.
 */
import { BadInputError } from '../../core/errors.js';
import { K8S_OPTION_DOCS, K8S_OPTION_NAMES, parseK8sOptions } from '../../k8s/options.js';
import { DEFAULT_SIDECAR_IMAGE } from '../../k8s/image.js';
import {
  cacheClaim,
  renderArcValues,
  renderGitlabCi,
  renderGitlabConfig,
  runtimeClass,
} from '../../k8s/render.js';
import { toYaml } from '../../k8s/yaml.js';
import type { SessionConfig } from '../../core/config.js';
import type { K8sOptions } from '../../k8s/options.js';
import { settingEnvName } from '../../core/config.js';
import type { CliCommand } from '../command.js';
import { command } from '../io.js';
import { parseCommandLine, stringOptions } from '../options.js';
import { SETTING_OPTIONS, sessionConfigFrom, settingsUsage } from '../settings.js';

const TARGETS: Record<string, { summary: string; render: (c: SessionConfig, o: K8sOptions) => string }> = {
  runtimeclass: {
    summary: 'the RuntimeClass for Sysbox, scheduled on nodes where sysbox-deploy-k8s runs it',
    render: (config) => toYaml(runtimeClass(config)),
  },
  'cache-claim': {
    summary: "the PersistentVolumeClaim whose slots keep the daemons' data across pods",
    render: (config, options) => toYaml(cacheClaim(config, options)),
  },
  arc: { summary: "values for ARC's gha-runner-scale-set chart", render: renderArcValues },
  gitlab: {
    summary: "a [[runners]] fragment for GitLab Runner's Kubernetes executor",
    render: renderGitlabConfig,
  },
  'gitlab-ci': {
    summary: 'a .gitlab-ci.yml job using the unprivileged DinD service',
    render: renderGitlabCi,
  },
};

const USAGE = `Usage: secure-dind k8s render ${Object.keys(TARGETS).join('|')} [options]

Prints ready-to-apply YAML (TOML for gitlab) for runner pods with an unprivileged Docker daemon:
Sysbox runtime class, user namespace, no privileged container, mutual TLS on the pod's loopback.

${Object.entries(TARGETS)
  .map(([name, target]) => `  ${name.padEnd(12)} ${target.summary}`)
  .join('\n')}

Kubernetes options:
${K8S_OPTION_NAMES.map((name) => {
  const doc = K8S_OPTION_DOCS[name];
  return `  --${name.padEnd(22)} ${doc.description}${doc.default === undefined ? '' : ` (default: ${doc.default})`}`;
}).join('\n')}

Session settings (--image is the sidecar image, default ${DEFAULT_SIDECAR_IMAGE}):
${settingsUsage()}

Exit status: 0 printed, 2 bad input.`;

export const k8sCommand: CliCommand = command({
  name: 'k8s',
  summary: 'render Kubernetes manifests: RuntimeClass, ARC values, GitLab executor config',
  usage: USAGE,
  async run(args, io) {
    const [verb, target, ...rest] = args;
    if (verb !== 'render' || target === undefined || !(target in TARGETS)) {
      throw new BadInputError(
        'arguments',
        args.join(' '),
        `render ${Object.keys(TARGETS).join('|')} [options]`,
      );
    }
    const { values } = parseCommandLine(rest, { ...SETTING_OPTIONS, ...stringOptions(K8S_OPTION_NAMES) });
    // The DinD image in a pod must carry the sidecar, so the default differs from docker:dind.
    const env = { [settingEnvName('image')]: DEFAULT_SIDECAR_IMAGE, ...io.env };
    const config = sessionConfigFrom(values, env);
    io.stdout.write(TARGETS[target]!.render(config, parseK8sOptions(values)));
    return 0;
  },
});
