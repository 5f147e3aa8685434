/**
 * What `secure-dind k8s render` prints, as plain objects and text: the RuntimeClass, the cache
 * claim, the ARC AutoscalingRunnerSet values and the GitLab Runner Kubernetes executor fragment
 * with its .gitlab-ci.yml. Pure. No container is privileged, none uses a host namespace or path.
 */
import type { SessionConfig } from '../core/config.js';
import type { K8sOptions } from './options.js';
import {
  CACHE_DIR,
  CERTS_VOLUME,
  CLIENT_CERT_DIR,
  cacheClaimSpec,
  clientEnv,
  podVolumes,
  sidecarContainer,
  terminationGraceSeconds,
} from './pod.js';
import { toYaml } from './yaml.js';

/** The node label sysbox-deploy-k8s sets once Sysbox runs on a node. */
export const SYSBOX_NODE_SELECTOR = { 'sysbox-runtime': 'running' } as const;
export const CRIO_USERNS_ANNOTATION = 'io.kubernetes.cri-o.userns-mode';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'secure-dind' };

export function runtimeClass(config: SessionConfig): Record<string, unknown> {
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: config.runtime, labels: MANAGED_BY },
    handler: config.runtime,
    scheduling: { nodeSelector: { ...SYSBOX_NODE_SELECTOR } },
  };
}

/** The pre-made claim whose slot directories keep the daemons' data across ephemeral pods. */
export function cacheClaim(config: SessionConfig, options: K8sOptions): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: options.cacheClaim, labels: MANAGED_BY },
    spec: cacheClaimSpec(config, options, config.cacheSlots),
  };
}

/** The user-namespace request: hostUsers on containerd 2.0.5+, an annotation on CRI-O. */
function usernsFields(options: K8sOptions): {
  annotations: Record<string, string> | undefined;
  spec: { hostUsers?: false };
} {
  return options.userns === 'cri-o'
    ? { annotations: { [CRIO_USERNS_ANNOTATION]: 'auto' }, spec: {} }
    : { annotations: undefined, spec: { hostUsers: false } };
}

/** The runner pod: the job's container, and the DinD sidecar as a native sidecar container. */
export function arcPodTemplate(config: SessionConfig, options: K8sOptions): Record<string, unknown> {
  const userns = usernsFields(options);
  return {
    ...(userns.annotations ? { metadata: { annotations: userns.annotations } } : {}),
    spec: {
      runtimeClassName: config.runtime,
      ...userns.spec,
      terminationGracePeriodSeconds: terminationGraceSeconds(config),
      // A restartable init container starts first, and kubelet waits for its startup probe (an
      // mTLS ping) before it starts the runner; at teardown it stops after the runner.
      initContainers: [{ ...sidecarContainer(config, options), restartPolicy: 'Always' }],
      containers: [
        {
          name: 'runner',
          image: options.runnerImage,
          command: ['/home/runner/run.sh'],
          env: clientEnv(),
          securityContext: { runAsUser: options.runnerUid, allowPrivilegeEscalation: false },
          volumeMounts: [{ name: CERTS_VOLUME, mountPath: CLIENT_CERT_DIR, readOnly: true }],
        },
      ],
      volumes: podVolumes(config, options),
    },
  };
}

/** Helm values for ARC's gha-runner-scale-set chart (containerMode deliberately unset). */
export function arcValues(config: SessionConfig, options: K8sOptions): Record<string, unknown> {
  return {
    githubConfigUrl: options.githubConfigUrl,
    githubConfigSecret: options.githubConfigSecret,
    template: arcPodTemplate(config, options),
  };
}

export function renderArcValues(config: SessionConfig, options: K8sOptions): string {
  return toYaml(arcValues(config, options), [
    'ARC gha-runner-scale-set values rendered by `secure-dind k8s render arc`.',
    'containerMode is left unset on purpose: its dind mode runs a privileged docker:dind.',
    `Needs the RuntimeClass ${config.runtime} (secure-dind k8s render runtimeclass) and Sysbox on the nodes.`,
  ]);
}

/** The pod_spec patch GitLab's executor applies (its options have no hostUsers). */
export function gitlabPodPatch(config: SessionConfig, options: K8sOptions): Record<string, unknown> {
  const userns = usernsFields(options);
  return {
    ...(userns.annotations ? {} : userns.spec),
    terminationGracePeriodSeconds: terminationGraceSeconds(config),
  };
}

const toml = (value: string | number | boolean): string =>
  typeof value === 'string' ? JSON.stringify(value) : String(value);

export function renderGitlabConfig(config: SessionConfig, options: K8sOptions): string {
  const userns = usernsFields(options);
  const annotations = Object.entries(userns.annotations ?? {}).map(
    ([k, v]) => `      ${toml(k)} = ${toml(v)}`,
  );
  const cacheVolume = !config.cache
    ? []
    : options.cacheVolume === 'claim'
      ? ['    [[runners.kubernetes.volumes.pvc]]', `      name = ${toml(options.cacheClaim)}`]
      : ['    # cache-volume ephemeral: the daemon data lives in the pod and goes with it'];
  const lines = [
    '# GitLab Runner config.toml fragment rendered by `secure-dind k8s render gitlab`.',
    '# Jobs use the DinD service of the matching .gitlab-ci.yml; nothing here is privileged.',
    '[[runners]]',
    '  executor = "kubernetes"',
    '  # With a user namespace the helper cannot write to the default paths: keep them under /tmp.',
    '  builds_dir = "/tmp/builds"',
    '  [runners.feature_flags]',
    '    FF_USE_ADVANCED_POD_SPEC_CONFIGURATION = true',
    '  [runners.kubernetes]',
    `    runtime_class_name = ${toml(config.runtime)}`,
    '    privileged = false',
    '    allow_privilege_escalation = false',
    '    logs_base_dir = "/tmp"',
    '    scripts_base_dir = "/tmp"',
    ...(annotations.length ? ['    [runners.kubernetes.pod_annotations]', ...annotations] : []),
    '    [[runners.kubernetes.pod_spec]]',
    '      name = "secure-dind"',
    '      patch_type = "strategic"',
    `      patch = ${toml(JSON.stringify(gitlabPodPatch(config, options)))}`,
    '    [[runners.kubernetes.volumes.empty_dir]]',
    `      name = ${toml(CERTS_VOLUME)}`,
    `      mount_path = ${toml(CLIENT_CERT_DIR)}`,
    '      medium = "Memory"',
    ...cacheVolume,
    ...(cacheVolume.length > 1 ? [`      mount_path = ${toml(CACHE_DIR)}`] : []),
    '',
  ];
  return lines.join('\n');
}

/** The job side: the sidecar as the `docker` service, and the docker:dind client variables. */
export function gitlabCiDocument(config: SessionConfig, options: K8sOptions): Record<string, unknown> {
  const sidecar = sidecarContainer(config, options) as { env: { name: string; value?: string }[] };
  const serviceVariables = Object.fromEntries(
    sidecar.env.filter((v) => v.value !== undefined).map((v) => [v.name, v.value!]),
  );
  return {
    variables: Object.fromEntries(clientEnv('docker').map((v) => [v.name, v.value!])),
    build: {
      image: 'docker:27.5.1-cli',
      services: [{ name: config.image, alias: 'docker', variables: serviceVariables }],
      before_script: [
        // Services start alongside the job: wait (as long as the sidecar's own start-up budget)
        // until the daemon answers with the client certificate, instead of failing on the race.
        `for i in $(seq ${Math.ceil(config.startupTimeoutSeconds)}); do docker version >/dev/null 2>&1 && break; sleep 1; done`,
        'docker version',
      ],
      script: ['docker build -t app:ci .', 'docker run --rm app:ci true'],
    },
  };
}

export function renderGitlabCi(config: SessionConfig, options: K8sOptions): string {
  return toYaml(gitlabCiDocument(config, options), [
    '.gitlab-ci.yml rendered by `secure-dind k8s render gitlab-ci`: a job using the unprivileged DinD service.',
  ]);
}
