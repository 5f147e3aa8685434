/**
 * Every rendered manifest against the Kubernetes API schemas of two Kubernetes versions
 * (kubernetes-models 4.5.1 carries 1.33's, 5.1.0 carries 1.34's) and against Pod Security
 * "baseline"; plus what the settings change in the output.
 */
import { describe, expect, it } from 'vitest';
import * as k8s133core from 'kubernetes-models-1.33/v1';
import * as k8s133node from 'kubernetes-models-1.33/node.k8s.io/v1';
import * as k8s134core from 'kubernetes-models/v1';
import * as k8s134node from 'kubernetes-models/node.k8s.io/v1';
import { parseSessionConfig, type RawSettings } from '../../../src/core/config.js';
import { BadInputError } from '../../../src/core/errors.js';
import { parseK8sOptions, type K8sOptionName } from '../../../src/k8s/options.js';
import { CERTS_VOLUME, sidecarContainer } from '../../../src/k8s/pod.js';
import {
  arcPodTemplate,
  arcValues,
  cacheClaim,
  gitlabPodPatch,
  renderArcValues,
  renderGitlabCi,
  renderGitlabConfig,
  runtimeClass,
} from '../../../src/k8s/render.js';
import { toYaml } from '../../../src/k8s/yaml.js';
import { baselineViolations } from '../../support/pod-security.js';

type Obj = Record<string, unknown>;
interface Validator {
  new (data: Obj): { validate(): void };
}
const VERSIONS: {
  kubernetes: string;
  Pod: Validator;
  PersistentVolumeClaim: Validator;
  RuntimeClass: Validator;
}[] = [
  {
    kubernetes: '1.33',
    Pod: k8s133core.Pod,
    PersistentVolumeClaim: k8s133core.PersistentVolumeClaim,
    RuntimeClass: k8s133node.RuntimeClass,
  },
  {
    kubernetes: '1.34',
    Pod: k8s134core.Pod,
    PersistentVolumeClaim: k8s134core.PersistentVolumeClaim,
    RuntimeClass: k8s134node.RuntimeClass,
  },
] as never;

const SESSION = { image: 'registry.example/secure-dind/sidecar:0.1.0' };
const VARIANTS: { name: string; settings: RawSettings; options: Partial<Record<K8sOptionName, string>> }[] = [
  { name: 'defaults', settings: SESSION, options: {} },
  {
    name: 'limits, mtu, pool, daemon config, ephemeral cache, CRI-O',
    settings: {
      ...SESSION,
      cpus: '1.5',
      memory: '4g',
      mtu: '1450',
      'address-pool': '10.210.0.0/16',
      'daemon-config': '{"registry-mirrors":["https://mirror.example"]}',
    },
    options: { 'cache-volume': 'ephemeral', 'storage-class': 'fast-ssd', userns: 'cri-o' },
  },
  { name: 'no cache, pod IP listener', settings: { ...SESSION, cache: 'false' }, options: { listen: 'pod' } },
];

const render = (variant: (typeof VARIANTS)[number]) => ({
  config: parseSessionConfig(variant.settings),
  options: parseK8sOptions(variant.options),
});

/** The pod ARC creates from the template: the template's metadata and spec under a name. */
function arcPod(variant: (typeof VARIANTS)[number]): Obj {
  const { config, options } = render(variant);
  const template = arcPodTemplate(config, options) as { metadata?: Obj; spec: Obj };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'runner-x', ...template.metadata },
    spec: template.spec,
  };
}

/** The pod GitLab's executor creates: build container, the DinD service, the pod_spec patch. */
function gitlabPod(variant: (typeof VARIANTS)[number]): Obj {
  const { config, options } = render(variant);
  const service = sidecarContainer(config, options) as Obj;
  delete service.startupProbe;
  delete service.readinessProbe;
  delete service.lifecycle;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'runner-job-1' },
    spec: {
      runtimeClassName: config.runtime,
      ...gitlabPodPatch(config, options),
      containers: [
        { name: 'build', image: 'docker:27.5.1-cli' },
        { ...service, name: 'svc-0' },
      ],
      volumes: [
        { name: CERTS_VOLUME, emptyDir: { medium: 'Memory' } },
        { name: 'secure-dind-cache', emptyDir: {} },
      ],
    },
  };
}

describe.each(VERSIONS)('Kubernetes $kubernetes API schemas', (version) => {
  it.each(VARIANTS)('accept the ARC runner pod ($name)', (variant) => {
    expect(() => new version.Pod(arcPod(variant)).validate()).not.toThrow();
  });

  it.each(VARIANTS)('accept the GitLab job pod with the pod_spec patch ($name)', (variant) => {
    expect(() => new version.Pod(gitlabPod(variant)).validate()).not.toThrow();
  });

  it('accept the RuntimeClass and the cache claim', () => {
    const { config, options } = render(VARIANTS[1]!);
    expect(() => new version.RuntimeClass(runtimeClass(config)).validate()).not.toThrow();
    expect(() => new version.PersistentVolumeClaim(cacheClaim(config, options)).validate()).not.toThrow();
  });

  it('reject a pod that is wrong in the way a rendering bug would be (the check can fail)', () => {
    const pod = arcPod(VARIANTS[0]!) as { spec: { hostUsers: unknown } };
    pod.spec.hostUsers = 'false';
    expect(() => new version.Pod(pod).validate()).toThrow(/hostUsers/);
  });
});

describe('Pod Security baseline', () => {
  it.each(VARIANTS)('holds for the ARC and GitLab pods ($name)', (variant) => {
    const arc = arcPod(variant) as { metadata: { annotations?: Record<string, string> }; spec: Obj };
    expect(baselineViolations(arc.spec, arc.metadata.annotations)).toEqual([]);
    expect(baselineViolations((gitlabPod(variant) as { spec: Obj }).spec)).toEqual([]);
  });

  it('catches what it is for', () => {
    const spec = {
      hostNetwork: true,
      volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }],
      containers: [
        { name: 'dind', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } },
      ],
    };
    expect(baselineViolations(spec)).toEqual([
      'hostNetwork',
      'hostPath volume sock',
      'dind: privileged',
      'dind: adds capability SYS_ADMIN',
    ]);
  });

  it.each(VARIANTS)('no rendered text says privileged: true ($name)', (variant) => {
    const { config, options } = render(variant);
    const texts = [
      renderArcValues(config, options),
      renderGitlabConfig(config, options),
      renderGitlabCi(config, options),
      toYaml(runtimeClass(config)),
    ];
    for (const text of texts) {
      expect(text).not.toMatch(/privileged\s*[:=]\s*true/i);
      expect(text).not.toMatch(/hostPath|hostNetwork|docker\.sock/);
    }
  });
});

describe('ARC values', () => {
  it('leave containerMode unset, run the sidecar natively with mTLS probes, and give the runner the client env', () => {
    const { config, options } = render(VARIANTS[0]!);
    const values = arcValues(config, options) as { template: { spec: Obj } } & Obj;
    expect(values).not.toHaveProperty('containerMode');
    const spec = values.template.spec as {
      runtimeClassName: string;
      hostUsers: boolean;
      terminationGracePeriodSeconds: number;
      initContainers: Obj[];
      containers: { env: { name: string; value: string }[]; volumeMounts: Obj[] }[];
      volumes: Obj[];
    };
    expect(spec.runtimeClassName).toBe('sysbox-runc');
    expect(spec.hostUsers).toBe(false);
    const sidecar = spec.initContainers[0] as Obj & { startupProbe: { exec: { command: string[] } } };
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.image).toBe(SESSION.image);
    expect(sidecar.startupProbe.exec.command).toEqual(['secure-dind', 'sidecar', 'probe']);
    // The grace period covers the preStop prune and the daemon's stop timeout.
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30 + config.stopTimeoutSeconds);
    expect(Object.fromEntries(spec.containers[0]!.env.map((e) => [e.name, e.value]))).toEqual({
      DOCKER_HOST: 'tcp://localhost:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: '/certs/client',
    });
    expect(spec.containers[0]!.volumeMounts).toEqual([
      { name: CERTS_VOLUME, mountPath: '/certs/client', readOnly: true },
    ]);
    expect(spec.volumes[0]).toEqual({ name: CERTS_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    expect(spec.volumes[1]).toEqual({
      name: 'secure-dind-cache',
      persistentVolumeClaim: { claimName: 'secure-dind-cache' },
    });
  });

  it('carry the session settings to the sidecar and the limits to its container', () => {
    const { config, options } = render(VARIANTS[1]!);
    const pod = arcPodTemplate(config, options) as { metadata: Obj; spec: Obj };
    const sidecar = (pod.spec.initContainers as Obj[])[0] as {
      env: { name: string; value?: string }[];
      resources: Obj;
    };
    const env = Object.fromEntries(sidecar.env.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      SECURE_DIND_MTU: '1450',
      SECURE_DIND_ADDRESS_POOL: '10.210.0.0/16',
      SECURE_DIND_DAEMON_CONFIG: '{"registry-mirrors":["https://mirror.example"]}',
    });
    // What the sidecar parses back is what the renderer was given.
    const reparsed = parseSessionConfig({
      mtu: env.SECURE_DIND_MTU,
      'address-pool': env.SECURE_DIND_ADDRESS_POOL,
      'cache-max-size': env.SECURE_DIND_CACHE_MAX_SIZE,
      'stop-timeout': env.SECURE_DIND_STOP_TIMEOUT,
    });
    expect([reparsed.mtu, reparsed.addressPool, reparsed.cacheMaxSize, reparsed.stopTimeoutSeconds]).toEqual([
      config.mtu,
      config.addressPool,
      config.cacheMaxSize,
      config.stopTimeoutSeconds,
    ]);
    expect(sidecar.resources).toEqual({ limits: { cpu: '1500m', memory: String(4 * 1024 ** 3) } });
    expect(pod.metadata).toEqual({ annotations: { 'io.kubernetes.cri-o.userns-mode': 'auto' } });
    expect(pod.spec).not.toHaveProperty('hostUsers');
    const cache = (pod.spec.volumes as Obj[])[1] as { ephemeral: { volumeClaimTemplate: { spec: Obj } } };
    expect(cache.ephemeral.volumeClaimTemplate.spec.storageClassName).toBe('fast-ssd');
  });
});

describe('GitLab fragment', () => {
  it('sets the runtime class, the hostUsers patch, /tmp paths and the in-memory cert volume', () => {
    const { config, options } = render(VARIANTS[0]!);
    const text = renderGitlabConfig(config, options);
    expect(text).toContain('runtime_class_name = "sysbox-runc"');
    expect(text).toContain('patch = "{\\"hostUsers\\":false,');
    expect(text).toContain('builds_dir = "/tmp/builds"');
    expect(text).toMatch(/mount_path = "\/certs\/client"\n\s+medium = "Memory"/);
    expect(renderGitlabCi(config, options)).toContain('DOCKER_HOST: "tcp://docker:2376"');
  });
});

describe('k8s options', () => {
  it.each([
    ['cache-volume', 'nfs', /claim or ephemeral/],
    ['userns', 'host', /host-users or cri-o/],
    ['storage-class', 'Fast_SSD', /storage class name/],
    ['runner-uid', '-1', /numeric user id/],
    ['github-config-url', 'http://github.com/x', /https/],
  ] as const)('refuse --%s %s naming the option and the accepted form', (name, value, accepted) => {
    const error = (() => {
      try {
        parseK8sOptions({ [name]: value });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).setting).toBe(`option --${name}`);
    expect((error as Error).message).toMatch(accepted);
  });
});
