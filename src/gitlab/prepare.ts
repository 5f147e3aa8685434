/**
 * The prepare stage: the job's environment. After removing any leftovers of the same job (prepare
 * is retried), it checks every image before creating anything, then creates a per-job network, one
 * secure DinD session per DinD service (never a privileged container), plain containers for the
 * other services, and the job container with the client certificates and DOCKER_* variables. The
 * state is saved before each side effect; on failure everything of the job is removed again.
 */
import { mkdir } from 'node:fs/promises';
import { BadInputError } from '../core/errors.js';
import { resourceLabels } from '../core/names.js';
import { DAEMON_TLS_PORT } from '../core/spec.js';
import { JOB_CONTAINER_KEEPER, containerBody } from './containers.js';
import type { LaunchOptions, Session, SessionState } from '../session/types.js';
import type { SessionConfig } from '../core/config.js';
import { leaseBuildsDir } from './builds-lease.js';
import { ensureHelperImage, startHelperContainer } from './helper.js';
import { cleanupJob, type CleanupDependencies } from './cleanup.js';
import { type JobContext, serviceContainerName } from './job.js';
import { clientCertsTar, dockerClientEnv, warnAboutClientVariables } from './docker-client.js';
import { isDindImage, serviceAliases, type ServiceDefinition } from './services.js';
import { type ImageDependencies, planImages, pullImages, serviceEnvironment } from './job-images.js';
import { JOB_ENTRYPOINT_LABEL } from './job-entrypoint.js';
import type { JobResponse } from './job-response.js';
import { SERVICE_NAME_LABEL, streamServiceLogs } from './service-logs.js';
import { type ServiceToWaitFor, servicePorts, waitForServices } from './service-wait.js';
import type { GitlabSettings } from './settings.js';
import { type JobState, saveJobState } from './state.js';
import { saveSessionRecord } from '../session/records.js';

export interface PrepareDependencies
  extends CleanupDependencies, Pick<ImageDependencies, 'hostEnv' | 'credentialHelper'> {
  readonly launch: (config: SessionConfig, options: LaunchOptions) => Promise<Session>;
  /** Checks (and, when allowed, installs) the runtime before a DinD session is launched. */
  readonly ensureRuntime?: (config: SessionConfig) => Promise<void>;
  readonly signal?: AbortSignal;
  /** Where CI_DEBUG_SERVICES streams the services' output (the job log). */
  readonly stdout?: NodeJS.WritableStream;
}

export interface PreparedJob {
  readonly jobContainer: string;
  readonly dockerHost: string | undefined;
  readonly sessions: readonly Session[];
}

interface PlannedService {
  readonly index: number;
  readonly definition: ServiceDefinition;
  readonly aliases: readonly string[];
  readonly dind: boolean;
}

export function planServices(
  definitions: readonly ServiceDefinition[],
  settings: GitlabSettings,
): PlannedService[] {
  const planned = definitions.map((definition, index) => ({
    index,
    definition,
    aliases: serviceAliases(definition),
    dind: isDindImage(definition.name, settings.dindImages),
  }));
  if (planned.filter((s) => s.dind).length > 1) {
    throw new BadInputError(
      'services',
      planned.map((s) => s.definition.name).join(', '),
      'at most one Docker-in-Docker service per job',
    );
  }
  return planned;
}

export async function prepareJob(
  context: JobContext,
  settings: GitlabSettings,
  deps: PrepareDependencies,
  response?: JobResponse,
): Promise<PreparedJob> {
  const { engine, log } = deps;
  const imageDeps: ImageDependencies = {
    engine,
    log,
    hostEnv: deps.hostEnv,
    credentialHelper: deps.credentialHelper,
  };
  const images = await planImages(context, settings, response, imageDeps);
  const services = planServices(images.services, settings);
  const dindConfigs = new Map<number, SessionConfig>();
  for (const service of services.filter((s) => s.dind)) {
    dindConfigs.set(
      service.index,
      settings.sessionConfig({ serviceImage: service.definition.name, cacheKey: context.cacheKey }),
    );
    if (service.definition.entrypoint || service.definition.command) {
      log.warn(
        `service ${service.definition.name}: entrypoint and command are ignored; the secure DinD session always serves mutual TLS on ${DAEMON_TLS_PORT}`,
      );
    }
  }
  warnAboutClientVariables(context, log);
  log.info(
    `Job ${context.jobId} of project ${context.projectPath ?? context.projectId} (id ${context.projectId}) on ${context.serverHost}, ` +
      `${context.protectedRef ? 'protected' : 'unprotected'} ref; identity from ${context.trust === 'job-response' ? 'the job response file' : 'job variables (trust-job-variables=true: unsafe on shared runners)'}`,
  );
  for (const claim of context.forgedVariables) {
    log.warn(`the job sets ${claim}; ignored: identity, project and protection come from the job response`);
  }

  const removed = await cleanupJob(context, deps);
  if (removed.removed.length > 0)
    log.info(`removed leftovers of an earlier attempt: ${removed.removed.join(', ')}`);

  // Every image first: a missing one fails the job before anything exists.
  await engine.version();
  await pullImages(images, (index) => services[index]!.dind, imageDeps);
  await ensureHelperImage(engine, settings.helperImage, log);
  for (const config of dindConfigs.values()) await deps.ensureRuntime?.(config);

  const deadlineSeconds = settings.deadlineSeconds;
  const createdAt = new Date();
  const labels = (role: 'network' | 'job' | 'helper' | 'service') =>
    resourceLabels({
      sessionId: context.namePrefix,
      role,
      jobId: context.label,
      createdAt,
      deadline: new Date(createdAt.getTime() + deadlineSeconds * 1000),
    });

  let state: JobState = {
    version: 1,
    jobId: context.jobId,
    label: context.label,
    serviceContainers: [],
    sessions: {},
  };
  const record = async (patch: Partial<JobState>) => {
    state = { ...state, ...patch };
    await saveJobState(context.stateFile, state);
  };

  const sessions: Session[] = [];
  const toWaitFor: ServiceToWaitFor[] = [];
  let stopServiceLogs: (() => Promise<void>) | undefined;
  try {
    await record({ networkName: context.networkName });
    await engine.createNetwork({ name: context.networkName, labels: labels('network') });

    let dockerHost: { alias: string; session: Session } | undefined;
    for (const service of services) {
      deps.signal?.throwIfAborted();
      if (service.dind) {
        const config = dindConfigs.get(service.index)!;
        log.info(
          `Starting service ${service.definition.name} as a secure DinD session (image ${config.image}, runtime ${config.runtime}, unprivileged, mutual TLS)`,
        );
        const session = await deps.launch(config, {
          jobId: context.label,
          certParentDir: context.certParentDir,
          joinNetwork: { name: context.networkName, aliases: service.aliases.filter((a) => a !== 'docker') },
          clientPlacement: 'host',
          cacheScope: context.cacheScope,
          log,
          signal: deps.signal,
          // The host's session record too: should cleanup never run (a crashed runner host), the
          // next launch's orphan reaping still finds the session and its certificates by it.
          onState: async (sessionState: SessionState) => {
            await saveSessionRecord(settings.stateDir, sessionState);
            await record({ sessions: { ...state.sessions, [service.index]: sessionState } });
          },
        });
        sessions.push(session);
        await record({ sessions: { ...state.sessions, [service.index]: session.state } });
        log.info(
          `DinD ready at tcp://docker:${DAEMON_TLS_PORT} (also as ${service.aliases.join(', ')}; Docker ${session.innerEngineVersion}, cache ${session.cacheHit ? 'warm' : 'cold'}: volume ${session.cacheVolume})`,
        );
        // A session always answers to "docker" (and its certificate names it), as docker:dind does.
        dockerHost = { alias: 'docker', session };
      } else {
        const name = serviceContainerName(context, service.index, service.aliases[0]!);
        log.info(`Starting service ${service.definition.name} as ${service.aliases.join(', ')}`);
        await record({ serviceContainers: [...state.serviceContainers, name] });
        const env = serviceEnvironment(context.variables, service.definition);
        const exposed = (await engine.imageConfig(service.definition.name))?.exposedPorts ?? [];
        toWaitFor.push({
          name: service.definition.name,
          container: name,
          ports: servicePorts(exposed, env, service.definition.name),
        });
        await engine.createContainer(
          name,
          containerBody({
            image: service.definition.name,
            labels: { ...labels('service'), [SERVICE_NAME_LABEL]: service.aliases.join('-') },
            env: envList(env),
            ...(service.definition.entrypoint ? { entrypoint: service.definition.entrypoint } : {}),
            ...(service.definition.command ? { cmd: service.definition.command } : {}),
            network: context.networkName,
            aliases: service.aliases,
          }),
        );
        await engine.startContainer(name);
      }
    }
    stopServiceLogs = await streamServiceLogs(engine, context, createdAt, deps.stdout ?? process.stdout);
    await waitForServices(
      engine,
      context.networkName,
      toWaitFor,
      settings.waitForServicesSeconds,
      log,
      deps.signal,
    );

    deps.signal?.throwIfAborted();
    const buildsDir = await leaseBuildsDir(context, settings.deadlineSeconds);
    log.info(`Using job image ${context.jobImage}; builds directory ${buildsDir}`);
    await mkdir(buildsDir, { recursive: true, mode: 0o755 });
    await startHelperContainer(context, settings.helperImage, buildsDir, labels('helper'), engine);
    await record({ jobContainer: context.jobContainerName });
    // The job's scripts run through the image's entrypoint (or the job's override), as on the
    // Docker executor; PID 1 is the keeper, so the entrypoint runs once per stage (see run.ts).
    const entrypoint = images.jobEntrypoint ?? (await engine.imageConfig(context.jobImage))?.entrypoint ?? [];
    const clientEnv = dockerHost ? dockerClientEnv(dockerHost.alias, context.tlsCertDir) : {};
    await engine.createContainer(
      context.jobContainerName,
      containerBody({
        image: context.jobImage,
        labels: { ...labels('job'), [JOB_ENTRYPOINT_LABEL]: JSON.stringify(entrypoint) },
        // tini, PID 1 on the Docker executor, runs here per stage: as a subreaper it reaps and stays quiet.
        env: envList({
          ...clientEnv,
          ...(/(^|\/)tini[^/]*$/.test(entrypoint[0] ?? '') ? { TINI_SUBREAPER: '1' } : {}),
        }),
        entrypoint: JOB_CONTAINER_KEEPER,
        cmd: [],
        hostname: context.hostname,
        binds: [`${buildsDir}:${buildsDir}`],
        network: context.networkName,
      }),
    );
    if (dockerHost) {
      await engine.putArchive(
        context.jobContainerName,
        '/',
        await clientCertsTar(dockerHost.session.certDir, context.tlsCertDir),
      );
    }
    await engine.startContainer(context.jobContainerName);
    if (!(await engine.inspectContainer(context.jobContainerName))?.running) {
      throw new BadInputError(
        'image',
        context.jobImage,
        'an image with /bin/sh (the job container stopped at once)',
      );
    }
    return {
      jobContainer: context.jobContainerName,
      dockerHost: dockerHost && clientEnv.DOCKER_HOST,
      sessions,
    };
  } catch (error) {
    await stopServiceLogs?.();
    stopServiceLogs = undefined;
    log.warn(`prepare failed; removing what it created`);
    await cleanupJob(context, deps);
    throw error;
  } finally {
    await stopServiceLogs?.();
  }
}

function envList(variables: Readonly<Record<string, string>>): string[] {
  return Object.entries(variables).map(([key, value]) => `${key}=${value}`);
}
