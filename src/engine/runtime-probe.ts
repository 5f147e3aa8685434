/**
 * The Docker API reads that runtime detection and bootstrap need (engine info, containers and their
 * runtimes, the default bridge's address, a smoke container), behind the DockerProbe interface.
 */
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { formatIpv4, parseCidr } from '../core/cidr.js';
import { resourceLabels } from '../core/names.js';
import { SystemError } from '../core/errors.js';
import type { ContainerSummary, DockerProbe } from '../runtime/host.js';

export interface ProbeOptions {
  /** Unix socket of the engine; default /var/run/docker.sock (or DOCKER_HOST when it is unix://). */
  readonly socketPath?: string;
}

export function createDockerProbe(options: ProbeOptions = {}): DockerProbe {
  const fromEnv = process.env.DOCKER_HOST?.startsWith('unix://')
    ? process.env.DOCKER_HOST.slice(7)
    : undefined;
  const docker = new Docker({ socketPath: options.socketPath ?? fromEnv ?? '/var/run/docker.sock' });

  return {
    async info() {
      return docker.info();
    },

    async containers() {
      const list = await docker.listContainers({ all: true });
      const result: ContainerSummary[] = [];
      for (const entry of list) {
        let runtime: string | undefined;
        try {
          runtime = (await docker.getContainer(entry.Id).inspect()).HostConfig.Runtime || undefined;
        } catch {
          continue; // removed between list and inspect
        }
        result.push({
          id: entry.Id,
          name: (entry.Names[0] ?? entry.Id).replace(/^\//, ''),
          running: entry.State === 'running',
          runtime,
        });
      }
      return result;
    },

    async bridgeAddress() {
      try {
        const network = await docker.getNetwork('bridge').inspect();
        const config = (network.IPAM?.Config ?? [])[0] as { Subnet?: string; Gateway?: string } | undefined;
        const subnet = config?.Subnet === undefined ? undefined : parseCidr(config.Subnet);
        if (subnet === undefined) return undefined;
        // Docker omits Gateway for the default bridge unless bip is set: docker0 then has the first address.
        const gateway = config?.Gateway ?? formatIpv4(subnet.base + 1);
        return `${gateway}/${subnet.prefix}`;
      } catch {
        return undefined;
      }
    },

    async smokeUidMap(runtime, image) {
      await ensureImage(docker, image);
      const now = new Date();
      const container = await docker.createContainer({
        name: `secure-dind-smoke-${randomBytes(4).toString('hex')}`,
        Image: image,
        Cmd: ['cat', '/proc/self/uid_map'],
        Tty: true,
        Labels: resourceLabels({
          sessionId: `smoke-${randomBytes(4).toString('hex')}`,
          role: 'scratch',
          createdAt: now,
          deadline: new Date(now.getTime() + 5 * 60_000),
        }),
        HostConfig: { Runtime: runtime, NetworkMode: 'none' },
      });
      try {
        await container.start();
        const outcome = (await container.wait()) as { StatusCode?: number };
        const logs = await container.logs({ stdout: true, stderr: true, follow: false });
        const text = Buffer.isBuffer(logs) ? logs.toString('utf8') : String(logs);
        if (outcome.StatusCode !== 0) {
          throw new SystemError(
            `smoke container under ${runtime} exited with ${outcome.StatusCode}: ${text.trim()}`,
          );
        }
        return text.replace(/\r/g, '');
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    },
  };
}

async function ensureImage(docker: Docker, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch {
    // not present: pull it
  }
  const stream = await docker.pull(image);
  await new Promise<void>((done, fail) => {
    docker.modem.followProgress(stream, (error: Error | null) => (error ? fail(error) : done()));
  });
}
