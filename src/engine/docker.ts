/**
 * The dockerode adapter of the engine port: the host's engine and every job's daemon (over mutual
 * TLS) are reached through it, one method per call the product makes. This file holds the container
 * calls; docker-resources.ts the plumbing and the rest.
 */
import type { ContainerCreateOptions } from 'dockerode';
import { type EngineError, NameConflict } from '../core/errors.js';
import type { ContainerCreateBody } from '../core/spec.js';
import type {
  ContainerState,
  ContainerSummary,
  DaemonAddress,
  EnginePort,
  ExecIo,
  Logger,
  TlsClientFiles,
} from '../ports.js';
import { jobDaemonClient } from './connect.js';
import { DockerResources } from './docker-resources.js';
import { demultiplex, labelFilter, statusOf, toContainerState, toContainerSummary } from './raw.js';
import { execInContainer, followContainerLogs, runUntilExit } from './streams.js';

/** A job's daemon over the session's mutual TLS. */
export function connectDaemonOverTls(
  address: DaemonAddress,
  tls: TlsClientFiles,
  options: { timeoutMs?: number; log?: Logger } = {},
): DockerEngine {
  return new DockerEngine(
    `tcp://${address.host}:${address.port}`,
    options.log,
    jobDaemonClient(address, tls, options.timeoutMs),
  );
}

export class DockerEngine extends DockerResources implements EnginePort {
  /** Creates a container; throws NameConflict when the name is in use. Returns its id. */
  createContainer(name: string, body: ContainerCreateBody | Record<string, unknown>): Promise<string> {
    return this.call(`create container ${name}`, async () => {
      try {
        const container = await this.docker.createContainer({
          ...(body as ContainerCreateOptions),
          name,
        });
        return container.id;
      } catch (error) {
        if (statusOf(error) === 409) throw new NameConflict(`container name ${name} is in use`);
        throw error;
      }
    });
  }

  /** Extracts a tar archive into the container (works before it starts). */
  putArchive(container: string, path: string, tar: Buffer): Promise<void> {
    return this.call(`copy files into ${container}`, async () => {
      await this.docker.getContainer(container).putArchive(tar, { path });
    });
  }

  startContainer(container: string): Promise<void> {
    return this.call(`start container ${container}`, async () => {
      await this.docker.getContainer(container).start();
    });
  }

  inspectContainer(container: string): Promise<ContainerState | undefined> {
    return this.lookUp(`inspect container ${container}`, async () =>
      toContainerState(await this.docker.getContainer(container).inspect()),
    );
  }

  /** The last lines of the container's output (stdout and stderr), as text. */
  containerLogs(container: string, tail = 30): Promise<string> {
    return this.call(`logs of ${container}`, async () => {
      const raw = (await this.docker
        .getContainer(container)
        .logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
      return demultiplex(raw);
    });
  }

  /**
   * Follows a container's output (stdout and stderr together) from `since` until the signal
   * aborts or the container stops; each chunk goes to onData.
   */
  followLogs(
    container: string,
    since: Date,
    onData: (chunk: Buffer) => void,
    signal: AbortSignal,
  ): Promise<void> {
    return this.call(`logs of ${container}`, () =>
      followContainerLogs(this.docker, container, since, onData, signal),
    );
  }

  listContainers(
    labels: Record<string, string | undefined>,
    options: { readonly runningOnly?: boolean } = {},
  ): Promise<ContainerSummary[]> {
    return this.call('list containers', async () => {
      const containers = await this.docker.listContainers({
        all: !options.runningOnly,
        filters: { label: labelFilter(labels) },
      });
      return containers.map(toContainerSummary);
    });
  }

  /** Stops with SIGTERM, then SIGKILL after the grace period. A stopped or gone container is fine. */
  async stopContainer(container: string, graceSeconds: number): Promise<void> {
    try {
      await this.call(`stop container ${container}`, () =>
        this.docker.getContainer(container).stop({ t: graceSeconds }),
      );
    } catch (error) {
      const status = (error as EngineError).statusCode;
      if (status === 304 || status === 404) return;
      throw error;
    }
  }

  /** Removes a container with its anonymous volumes; false when it was already gone. */
  removeContainer(container: string): Promise<boolean> {
    return this.remove(`remove container ${container}`, () =>
      this.docker.getContainer(container).remove({ force: true, v: true }),
    );
  }

  /** Runs a command in a running container, streaming its output; returns its exit status. */
  exec(container: string, cmd: readonly string[], io: ExecIo): Promise<number> {
    return this.call(`run a command in ${container}`, () => execInContainer(this.docker, container, cmd, io));
  }

  /** Creates, starts and waits for a short-lived container; returns its status and output, then removes it. */
  async runToCompletion(
    name: string,
    body: Record<string, unknown>,
  ): Promise<{ statusCode: number; output: string }> {
    const id = await this.createContainer(name, body);
    try {
      return await this.call(`run container ${name}`, () => runUntilExit(this.docker, id));
    } finally {
      await this.removeContainer(id).catch(() => undefined);
    }
  }
}
