/**
 * launch on the engine double: what exists afterwards, which slot and volume the session got, and
 * the error a user sees, for a launch that works and for one that fails at each step.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { overlaps, parseCidr } from '../../../src/core/cidr.js';
import type { SecureDindError } from '../../../src/core/errors.js';
import { LABELS, cacheVolumeName, daemonContainerName } from '../../../src/core/names.js';
import type { EnginePort } from '../../../src/ports.js';
import { daemonImage } from '../../support/job-daemon-double.js';
import { IMAGE, START, harness } from './harness.js';

const CACHE_0 = `volume ${cacheVolumeName('unit', 0)}`;

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('the launch succeeded');
    },
    (error: unknown) => error as Error,
  );
}

describe('launch', () => {
  it('starts a daemon on slot 0 of the cache key, on a network of its own, reachable with the exported certificates', async () => {
    const h = harness();
    const session = await h.launch();
    expect(session.containerName).toBe(daemonContainerName('unit', 0));
    expect(session.cacheVolume).toBe(cacheVolumeName('unit', 0));
    expect(session.cacheSlot).toBe(0);
    expect(session.cacheHit).toBe(false);
    expect(session.innerEngineVersion).toBe('27.5.1');
    expect(h.leftovers()).toEqual(
      [`container ${session.containerName}`, `network ${session.networkName}`, CACHE_0].sort(),
    );
    expect(session.env.DOCKER_HOST).toMatch(/^tcp:\/\/[\d.]+:2376$/);
    for (const file of ['ca.pem', 'cert.pem', 'key.pem'])
      expect(existsSync(join(session.env.DOCKER_CERT_PATH, file))).toBe(true);
    expect(h.engine.openDaemonClients).toBe(0);
  });

  it('records each resource in the session state before creating it', async () => {
    const h = harness();
    const recorded: string[] = [];
    h.engine.before('createNetwork', ([spec]) => {
      if (h.states.at(-1)?.networkName === (spec as { name: string }).name) recorded.push('network');
    });
    h.engine.before('createVolume', ([name]) => {
      if (h.states.at(-1)?.volumeName === name) recorded.push('volume');
    });
    await h.launch();
    expect(recorded).toEqual(['network', 'volume']);
  });

  it.each<[keyof EnginePort, string[]]>([
    ['versionAndRuntimes', []],
    ['createNetwork', []],
    ['createVolume', []],
    // The cache volume this launch made holds nothing before a daemon ran on it: it goes too.
    ['createContainer', []],
    ['putArchive', []],
    ['startContainer', []],
  ])('a failure of %s fails the launch with that error and leaves nothing behind', async (method, left) => {
    const h = harness();
    h.engine.fail(method, new Error(`simulated ${method} failure`));
    const error = await failure(h.launch());
    expect(error.message).toBe(`simulated ${method} failure`);
    expect(h.leftovers()).toEqual(left);
    expect(existsSync(h.states[0]!.certDir!)).toBe(false);
    expect(existsSync(join(h.stateDir, 'sessions'))).toBe(false);
  });

  it('reaps a crashed session past its deadline before leasing, so the next launch gets its warm slot', async () => {
    const h = harness();
    const crashed = await h.launch({ deadline: '60s' }); // never torn down
    expect(crashed.cacheSlot).toBe(0);
    // Stopping the orphan takes a while, as on a real engine (a graceful stop).
    h.engine.before('stopContainer', () => new Promise((resolve) => setTimeout(resolve, 50)));
    const next = await h.launch({}, {}, new Date(START + 120_000));
    expect(next.cacheSlot).toBe(0);
    expect(next.cacheVolume).toBe(crashed.cacheVolume);
    expect(h.engine.resources()).not.toContain(`network ${crashed.networkName}`);
  });

  it('keeps a cache volume an earlier session filled when the launch fails before its daemon starts', async () => {
    const h = harness();
    await h.engine.createVolume(cacheVolumeName('unit', 0), {});
    h.engine.fail('startContainer', new Error('simulated startContainer failure'));
    const error = await failure(h.launch());
    expect(error.message).toBe('simulated startContainer failure');
    expect(h.leftovers()).toEqual([CACHE_0]);
  });

  it('a failed launch gives its slot back: the next launch on the key gets slot 0 again', async () => {
    const h = harness();
    h.engine.fail('startContainer', new Error('simulated start failure'), [1]);
    await expect(h.launch()).rejects.toThrow('simulated start failure');
    const session = await h.launch();
    expect(session.cacheSlot).toBe(0);
    expect(h.leftovers()).toContain(`container ${daemonContainerName('unit', 0)}`);
  });

  it('refuses an engine without the Sysbox runtime, with the fix in the hint, and creates nothing', async () => {
    const h = harness();
    h.engine.runtimes.splice(h.engine.runtimes.indexOf('sysbox-runc'), 1);
    const error = await failure(h.launch());
    expect((error as SecureDindError).kind).toBe('system');
    expect(error.message).toBe('the Docker engine at unix:///double.sock has no runtime named "sysbox-runc"');
    expect((error as SecureDindError).hint).toMatch(/never falls back to a privileged container/);
    expect(h.leftovers()).toEqual([]);
  });

  it('pulls a missing DinD image, and says so when the pull fails', async () => {
    const h = harness();
    h.engine.images.clear();
    const session = await h.launch();
    expect(session.containerName).toBe(daemonContainerName('unit', 0));
    await h.teardown(session);

    h.engine.images.clear();
    h.engine.fail('pullImage', new Error('registry unreachable'));
    const error = await failure(h.launch());
    expect(error.message).toBe(`the DinD image ${IMAGE} is not present and could not be pulled`);
    expect(h.leftovers()).toEqual([CACHE_0]);
  });

  it('takes the next slot when another session holds slot 0 (409 on the name)', async () => {
    const h = harness();
    h.engine.addContainer(daemonContainerName('unit', 0), { [LABELS.owner]: 'someone else' });
    const session = await h.launch({ 'cache-slots': '3' });
    expect(session.cacheSlot).toBe(1);
    expect(session.containerName).toBe(daemonContainerName('unit', 1));
    expect(session.cacheVolume).toBe(cacheVolumeName('unit', 1));
  });

  it('fails with "all slots in use" when every slot is held, leaving the others\' daemons alone', async () => {
    const h = harness();
    for (const slot of [0, 1]) h.engine.addContainer(daemonContainerName('unit', slot));
    const error = await failure(h.launch({ 'cache-slots': '2' }));
    expect((error as SecureDindError).kind).toBe('system');
    expect(error.message).toBe('all 2 cache slots of cache key "unit" are in use');
    expect(h.leftovers()).toEqual(
      [
        `container ${daemonContainerName('unit', 0)}`,
        `container ${daemonContainerName('unit', 1)}`,
        CACHE_0,
        `volume ${cacheVolumeName('unit', 1)}`,
      ].sort(),
    );
  });

  it('moves to the next free subnet when another launch takes the chosen one first', async () => {
    const h = harness();
    let taken = '';
    h.engine.before('createNetwork', ([spec]) => {
      taken = (spec as { subnet: { subnet: string } }).subnet.subnet;
      h.engine.addNetwork('another-launch', taken);
    });
    const session = await h.launch();
    const own = (await h.engine.inspectNetwork(session.networkName))!.subnets[0]!;
    expect(overlaps(parseCidr(own)!, parseCidr(taken)!)).toBe(false);
    const daemonIp = session.env.DOCKER_HOST.slice('tcp://'.length, -':2376'.length);
    expect(overlaps(parseCidr(`${daemonIp}/32`)!, parseCidr(own)!)).toBe(true);
  });

  it('leases the spare network an earlier launch made, taking its session id, and removes it at teardown', async () => {
    const h = harness();
    const first = await h.launch({ 'cache-key': 'first' });
    const spares = (await h.engine.listNetworks({ [LABELS.pool]: undefined })).map((n) => n.name);
    expect(spares).toHaveLength(1);
    const second = await h.launch({ 'cache-key': 'second' });
    expect(second.networkName).toBe(spares[0]);
    expect(h.engine.networks.get(spares[0]!)!.labels[LABELS.session]).toBe(second.id);
    await h.teardown(second);
    await h.teardown(first);
    expect(h.engine.networks.has(spares[0]!)).toBe(false);
  });

  // The runner's own container is found through /.dockerenv and the hostname Docker gives it.
  it.runIf(existsSync('/.dockerenv'))(
    "attaches the runner's own container to the session network, and detaches it at teardown",
    async () => {
      const h = harness();
      h.engine.addContainer(hostname());
      const session = await h.launch({}, { clientPlacement: 'auto' });
      const network = await h.engine.inspectNetwork(session.networkName);
      expect(network!.containers).toHaveLength(2);
      await h.teardown(session);
      expect(h.leftovers()).toEqual([`container ${hostname()}`, CACHE_0]);
    },
  );

  it('joins the caller\'s network, never removes it, and names the daemon "docker"', async () => {
    const h = harness();
    h.engine.addNetwork('job-network', '10.250.0.0/24');
    const session = await h.launch({}, { joinNetwork: { name: 'job-network', aliases: ['dind'] } });
    expect(session.networkName).toBe('job-network');
    expect(session.env.DOCKER_HOST).toBe('tcp://docker:2376');
    await h.teardown(session);
    expect(h.leftovers()).toEqual(['network job-network', CACHE_0]);
  });

  it("reports a warm cache only when the volume's daemon holds images", async () => {
    const h = harness();
    const first = await h.launch();
    await h.teardown(first);
    const empty = await h.launch();
    expect(empty.cacheHit).toBe(false);
    h.engine.contentsOf(empty.cacheVolume).images.push(daemonImage('app:1', 2 ** 20, 1));
    await h.teardown(empty);
    const warm = await h.launch();
    expect(warm.cacheHit).toBe(true);
  });
});

describe('launch: cancellation', () => {
  it.each<[string, keyof EnginePort, string[]]>([
    // Between steps: nothing after the network is created, not even the cache volume.
    ['the network is made', 'createNetwork', []],
    ['the container starts', 'startContainer', [CACHE_0]],
  ])(
    'a signal aborting while %s ends the launch with its reason and removes what it made',
    async (_when, method, left) => {
      const h = harness();
      const controller = new AbortController();
      h.engine.before(method, () => controller.abort(new Error('interrupted by SIGTERM')));
      const error = await failure(h.launch({}, { signal: controller.signal }));
      expect(error.message).toBe('interrupted by SIGTERM');
      expect(h.leftovers()).toEqual(left);
      expect(existsSync(h.states[0]!.certDir!)).toBe(false);
    },
  );

  it('a signal aborting while the daemon boots ends the wait and leaves nothing but the cache volume', async () => {
    const h = harness();
    h.engine.imageBehaviour.set(IMAGE, { failsVersionRequests: 1000 });
    const controller = new AbortController();
    h.engine.before('inspectContainer', () => controller.abort(new Error('interrupted by SIGINT')), 3);
    const error = await failure(h.launch({}, { signal: controller.signal }));
    expect(error.message).toBe('interrupted by SIGINT');
    expect(h.leftovers()).toEqual([CACHE_0]);
    expect(h.engine.openDaemonClients).toBe(0);
  });
});

describe('launch: readiness', () => {
  it('waits through refused attempts until the daemon answers', async () => {
    const h = harness();
    h.engine.imageBehaviour.set(IMAGE, { failsVersionRequests: 5 });
    const session = await h.launch();
    expect(session.innerEngineVersion).toBe('27.5.1');
    expect(h.engine.openDaemonClients).toBe(0);
  });

  it("times out on a daemon that never answers, naming the timeout and the daemon's last log lines", async () => {
    const h = harness();
    h.engine.imageBehaviour.set(IMAGE, { neverAnswers: true, logs: 'dockerd: still thinking\n' });
    const started = Date.now();
    const error = await failure(h.launch({ 'startup-timeout': '600s' }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((error as SecureDindError).kind).toBe('system');
    expect(error.message).toMatch(
      /^the Docker daemon at https:\/\/[\d.]+:2376 did not answer within 600000 ms \(\d+ attempts\); last error: .*timeout; last log lines:\ndockerd: still thinking$/,
    );
    expect(h.leftovers()).toEqual([CACHE_0]);
    expect(h.engine.openDaemonClients).toBe(0);
  });

  it('reports a daemon container that stops during startup with its exit code and last log lines', async () => {
    const h = harness();
    h.engine.imageBehaviour.set(IMAGE, {
      exitsWith: 3,
      logs: 'fake dockerd: cannot start: simulated failure\n',
    });
    const error = await failure(h.launch());
    expect(error.message).toBe(
      `the DinD container ${daemonContainerName('unit', 0)} stopped during startup (exit code 3); ` +
        'last log lines:\nfake dockerd: cannot start: simulated failure',
    );
    expect(h.leftovers()).toEqual([CACHE_0]);
  });
});
