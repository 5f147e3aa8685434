/**
 * The Docker reads runtime detection and bootstrap need (engine info, containers and their
 * runtimes, the default bridge's address, a smoke container), over the product's one engine adapter.
 */
import { randomBytes } from 'node:crypto';
import { formatIpv4, parseCidr } from '../core/cidr.js';
import { SystemError } from '../core/errors.js';
import { resourceLabels } from '../core/names.js';
import { DEFAULT_ENGINE_HOST, type EnginePort } from '../ports.js';
import { DockerEngine } from '../engine/docker.js';
import type { ContainerSummary, DockerProbe } from './host.js';

export function createDockerProbe(engine: EnginePort = new DockerEngine(DEFAULT_ENGINE_HOST)): DockerProbe {
  return {
    info: () => engine.info(),

    async containers() {
      const result: ContainerSummary[] = [];
      for (const entry of await engine.listContainers({})) {
        const container = await engine.inspectContainer(entry.id);
        if (!container) continue; // removed between list and inspect
        result.push({
          id: entry.id,
          name: entry.name,
          running: entry.state === 'running',
          runtime: container.runtime,
        });
      }
      return result;
    },

    async bridgeAddress() {
      const bridge = await engine.inspectNetwork('bridge').catch(() => undefined);
      const subnet = parseCidr(bridge?.subnets[0] ?? '');
      if (!bridge || !subnet) return undefined;
      // Docker omits Gateway for the default bridge unless bip is set: docker0 then has the first address.
      return `${bridge.gateways[0] ?? formatIpv4(subnet.base + 1)}/${subnet.prefix}`;
    },

    async smokeUidMap(runtime, image) {
      if (!(await engine.imageExists(image))) await engine.pullImage(image);
      const now = new Date();
      const { statusCode, output } = await engine.runToCompletion(
        `secure-dind-smoke-${randomBytes(4).toString('hex')}`,
        {
          Image: image,
          Cmd: ['cat', '/proc/self/uid_map'],
          Labels: resourceLabels({
            sessionId: `smoke-${randomBytes(4).toString('hex')}`,
            role: 'scratch',
            createdAt: now,
            deadline: new Date(now.getTime() + 5 * 60_000),
          }),
          HostConfig: { Runtime: runtime, NetworkMode: 'none' },
        },
      );
      if (statusCode !== 0) {
        throw new SystemError(`smoke container under ${runtime} exited with ${statusCode}: ${output.trim()}`);
      }
      return output.replace(/\r/g, '');
    },
  };
}
