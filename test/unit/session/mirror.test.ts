/** A launch's choice of registry mirror fails open: only a mirror that answers is used. */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIRROR_LABELS, type RegistryMirrorSetting } from '../../../src/core/mirror.js';
import type { ContainerSummary, EnginePort, Logger } from '../../../src/ports.js';
import { answeringMirror } from '../../../src/session/mirror.js';
import { mirrorDown } from '../../../src/session/mirror-service.js';

/** An engine whose only containers are `running` (all the mirror lookup asks it). */
function engineWith(running: readonly ContainerSummary[]): EnginePort {
  return { listContainers: () => Promise.resolve([...running]) } as unknown as EnginePort;
}

function mirrorContainer(url: string): ContainerSummary {
  return {
    id: 'm',
    name: 'secure-dind-mirror',
    state: 'running',
    image: 'i',
    labels: { [MIRROR_LABELS.url]: url },
  };
}

describe('answeringMirror', () => {
  let registry: Server;
  let answering: string;
  const refused = 'http://127.0.0.1:1';
  beforeAll(async () => {
    registry = createServer((request, response) => {
      response.writeHead(request.url === '/v2/' ? 200 : 404).end('{}');
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    answering = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => registry.close(resolve)));

  async function choose(setting: RegistryMirrorSetting, engine: EnginePort) {
    const warnings: string[] = [];
    const log: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m) };
    return { url: await answeringMirror(engine, setting, log), warnings };
  }

  it('uses the host mirror that answers, quietly', async () => {
    expect(await choose({ mode: 'auto' }, engineWith([mirrorContainer(answering)]))).toEqual({
      url: answering,
      warnings: [],
    });
  });

  it('uses a mirror URL that answers', async () => {
    expect((await choose({ mode: 'url', url: answering }, engineWith([]))).url).toBe(answering);
  });

  it('skips a mirror that does not answer, with a warning', async () => {
    const { url, warnings } = await choose({ mode: 'url', url: refused }, engineWith([]));
    expect(url).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/registry mirror http:\/\/127.0.0.1:1 does not answer/)]);
  });

  it('warns when auto finds no mirror on the engine, or cannot ask it', async () => {
    const failing = {
      listContainers: () => Promise.reject(new Error('engine down')),
    } as unknown as EnginePort;
    for (const engine of [engineWith([]), failing]) {
      const { url, warnings } = await choose({ mode: 'auto' }, engine);
      expect(url).toBeUndefined();
      expect(warnings).toEqual([expect.stringContaining('no registry mirror runs on this engine')]);
    }
  });

  it('asks nothing when off', async () => {
    const untouchable = {} as EnginePort;
    expect(await choose({ mode: 'off' }, untouchable)).toEqual({ url: undefined, warnings: [] });
  });
});

describe('the mirror service', () => {
  it('never touches a container of its name that secure-dind did not create', async () => {
    const containers = new Map([['secure-dind-mirror', { id: 'theirs', running: true, labels: {} }]]);
    const engine = {
      inspectContainer: (name: string) => Promise.resolve(containers.get(name)),
      removeContainer: (name: string) => Promise.resolve(containers.delete(name)),
    } as unknown as EnginePort;
    await expect(mirrorDown(engine, true)).rejects.toThrow('secure-dind did not create');
    expect([...containers.keys()]).toEqual(['secure-dind-mirror']);
  });
});
