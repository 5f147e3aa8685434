/**
 * An emulation of kubelet's pod semantics on a Docker engine, for the pods `secure-dind k8s
 * render` produces. Not a cluster: no API server, no scheduler, no kubelet, no user namespaces
 * (hostUsers is not applied), and the runtime behind `runtimeClassName` is whatever the engine
 * registered under that name (here the Sysbox stand-in). What it does the way kubelet does:
 *   - one network namespace per pod, held by a pause-like container; every container joins it;
 *   - emptyDir volumes as volumes shared by the pod's containers (medium Memory: tmpfs), a
 *     persistentVolumeClaim as a named volume that outlives the pod; hostPath is refused;
 *   - `runtimeClassName` as every container's --runtime; image, command/args, env, user, cpu and
 *     memory limits as rendered;
 *   - restartable init containers (native sidecars) start first, and the next container starts
 *     only after their startup probe succeeds; exec probes run with their period and threshold;
 *   - teardown: main containers stop first, then sidecars get their preStop hook and SIGTERM,
 *     all within terminationGracePeriodSeconds, then SIGKILL.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DOCKER_CLI, hostDocker, hostEngineEnv, hostLogs } from './engine.js';

const execFileAsync = promisify(execFile);
type Obj = Record<string, unknown>;

export interface Probe {
  exec: { command: string[] };
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}
export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: { runAsUser?: number };
  resources?: { limits?: { cpu?: string; memory?: string } };
  startupProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec: { command: string[] } } };
  restartPolicy?: string;
}
export interface PodSpec {
  runtimeClassName?: string;
  terminationGracePeriodSeconds?: number;
  initContainers?: ContainerSpec[];
  containers: ContainerSpec[];
  volumes?: Obj[];
}

export interface PodOptions {
  /** The "cluster network" pods are attached to. */
  network: string;
  /** persistentVolumeClaim name -> the named volume standing for it. */
  claims?: Record<string, string>;
  /** Replaces a container's command (e.g. the ARC runner's run.sh, which needs GitHub). */
  commandOverrides?: Record<string, string[]>;
}

export interface StopReport {
  /** Exit codes by container name. */
  exitCodes: Record<string, number>;
  /** How long the whole teardown took, against terminationGracePeriodSeconds. */
  milliseconds: number;
  logs: Record<string, string>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function quantityToCpus(cpu: string): string {
  return cpu.endsWith('m') ? String(Number(cpu.slice(0, -1)) / 1000) : cpu;
}

function memoryBytes(quantity: string): string {
  const units: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`unsupported quantity ${quantity}`);
  return String(Number(match[1]) * (match[2] ? units[match[2]]! : 1));
}

export class EmulatedPod {
  readonly containers = new Map<string, string>();
  private readonly volumes: string[] = [];
  private readonly started: { spec: ContainerSpec; sidecar: boolean }[] = [];
  /** Milliseconds from the sidecar's start until its startup probe passed. */
  readonly startupMs = new Map<string, number>();
  ip = '';

  private constructor(
    readonly name: string,
    readonly spec: PodSpec,
    private readonly options: PodOptions,
  ) {}

  /** Creates and starts the pod; on failure removes what it created and rethrows. */
  static async run(name: string, spec: PodSpec, options: PodOptions): Promise<EmulatedPod> {
    const pod = new EmulatedPod(name, spec, options);
    try {
      await pod.start();
      return pod;
    } catch (error) {
      const logs = await pod.remove();
      throw new Error(`${(error as Error).message}\n${JSON.stringify(logs, null, 1)}`, { cause: error });
    }
  }

  private get pause(): string {
    return `${this.name}-pause`;
  }

  private async start(): Promise<void> {
    const runtime = this.spec.runtimeClassName ? ['--runtime', this.spec.runtimeClassName] : [];
    await hostDocker([
      'run',
      '-d',
      '--name',
      this.pause,
      '--network',
      this.options.network,
      ...runtime,
      'secure-dind/busybox:test',
      'sleep',
      '2147483647',
    ]);
    this.ip = (
      await hostDocker([
        'inspect',
        '-f',
        `{{(index .NetworkSettings.Networks "${this.options.network}").IPAddress}}`,
        this.pause,
      ])
    ).trim();
    const volumeArgs = await this.createVolumes();
    const sidecars = (this.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
    if (sidecars.length !== (this.spec.initContainers ?? []).length)
      throw new Error('only native sidecar init containers are emulated');
    for (const spec of [...sidecars, ...this.spec.containers]) {
      await this.startContainer(spec, volumeArgs, runtime);
      this.started.push({ spec, sidecar: sidecars.includes(spec) });
      if (spec.startupProbe) {
        const since = Date.now();
        await this.runProbe(spec.name, spec.startupProbe);
        this.startupMs.set(spec.name, Date.now() - since);
      }
      if (spec.readinessProbe)
        await this.runProbe(spec.name, { ...spec.readinessProbe, failureThreshold: 1 });
    }
  }

  private async createVolumes(): Promise<Map<string, string>> {
    const byName = new Map<string, string>();
    for (const volume of this.spec.volumes ?? []) {
      const volumeName = String(volume.name);
      const emptyDir = volume.emptyDir as { medium?: string; sizeLimit?: string } | undefined;
      const claim = volume.persistentVolumeClaim as { claimName: string } | undefined;
      if (emptyDir) {
        const docker = `${this.name}-${volumeName}`;
        const tmpfs =
          emptyDir.medium === 'Memory'
            ? [
                '--opt',
                'type=tmpfs',
                '--opt',
                'device=tmpfs',
                '--opt',
                `o=size=${memoryBytes(emptyDir.sizeLimit ?? '64Mi')}`,
              ]
            : [];
        await hostDocker(['volume', 'create', ...tmpfs, docker]);
        this.volumes.push(docker);
        byName.set(volumeName, docker);
      } else if (claim) {
        const docker = this.options.claims?.[claim.claimName];
        if (!docker) throw new Error(`no volume stands for claim ${claim.claimName}`);
        byName.set(volumeName, docker);
      } else {
        throw new Error(`volume ${volumeName}: only emptyDir and persistentVolumeClaim are emulated`);
      }
    }
    return byName;
  }

  private async startContainer(
    spec: ContainerSpec,
    volumes: Map<string, string>,
    runtime: string[],
  ): Promise<void> {
    const container = `${this.name}-${spec.name}`;
    const command = this.options.commandOverrides?.[spec.name] ?? spec.command;
    const args = ['create', '--name', container, '--network', `container:${this.pause}`, ...runtime];
    for (const env of spec.env ?? [])
      if (env.value !== undefined) args.push('--env', `${env.name}=${env.value}`);
    for (const mount of spec.volumeMounts ?? []) {
      const source = volumes.get(mount.name);
      if (!source) throw new Error(`${spec.name}: no volume ${mount.name}`);
      args.push(
        '--mount',
        `type=volume,src=${source},dst=${mount.mountPath}${mount.readOnly ? ',readonly' : ''}`,
      );
    }
    if (spec.securityContext?.runAsUser !== undefined)
      args.push('--user', String(spec.securityContext.runAsUser));
    if (spec.resources?.limits?.cpu) args.push('--cpus', quantityToCpus(spec.resources.limits.cpu));
    if (spec.resources?.limits?.memory) args.push('--memory', memoryBytes(spec.resources.limits.memory));
    if (command) args.push('--entrypoint', command[0]!);
    args.push(
      spec.image,
      ...(command ? command.slice(1) : []),
      ...(this.options.commandOverrides?.[spec.name] ? [] : (spec.args ?? [])),
    );
    await hostDocker(args);
    this.containers.set(spec.name, container);
    await hostDocker(['start', container]);
  }

  /** Runs an exec probe until it succeeds, at most failureThreshold times, periodSeconds apart. */
  private async runProbe(name: string, probe: Probe): Promise<void> {
    const attempts = probe.failureThreshold ?? 3;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.exec(name, probe.exec.command, (probe.timeoutSeconds ?? 1) * 1000);
        return;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep((probe.periodSeconds ?? 10) * 1000);
    }
    throw new Error(`${name}: probe failed ${attempts} times; last: ${last}`);
  }

  /** `docker exec` in one of the pod's containers; returns stdout. */
  async exec(name: string, command: readonly string[], timeoutMs = 120_000, user?: string): Promise<string> {
    const { stdout } = await execFileAsync(
      DOCKER_CLI,
      ['exec', ...(user ? ['--user', user] : []), this.containers.get(name)!, ...command],
      { env: hostEngineEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  }

  /** Kubelet's teardown: main containers, then sidecars in reverse (preStop, SIGTERM), in the grace. */
  async stop(): Promise<StopReport> {
    const since = Date.now();
    const grace = (this.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    const left = (): number => Math.max(1, Math.ceil((grace - (Date.now() - since)) / 1000));
    const order = [
      ...this.started.filter((c) => !c.sidecar),
      ...this.started.filter((c) => c.sidecar).reverse(),
    ];
    for (const { spec } of order) {
      const preStop = spec.lifecycle?.preStop?.exec.command;
      if (preStop) await this.exec(spec.name, preStop, left() * 1000).catch(() => undefined);
      await hostDocker(['stop', '-t', String(left()), this.containers.get(spec.name)!]);
    }
    const milliseconds = Date.now() - since;
    const exitCodes: Record<string, number> = {};
    for (const [name, container] of this.containers) {
      exitCodes[name] = Number(
        (await hostDocker(['inspect', '-f', '{{.State.ExitCode}}', container])).trim(),
      );
    }
    return { exitCodes, milliseconds, logs: await this.remove() };
  }

  /** Removes the pod's containers, pause container and emptyDir volumes (never claims); returns logs. */
  async remove(): Promise<Record<string, string>> {
    const logs: Record<string, string> = {};
    for (const [name, container] of this.containers) {
      logs[name] = await hostLogs(container).catch(() => '');
      await hostDocker(['rm', '-f', '-v', container]).catch(() => undefined);
    }
    this.containers.clear();
    await hostDocker(['rm', '-f', '-v', this.pause]).catch(() => undefined);
    for (const volume of this.volumes.splice(0))
      await hostDocker(['volume', 'rm', '-f', volume]).catch(() => undefined);
    return logs;
  }
}
