/** teardown, the sweep by label and the reaper on the engine double: what is left afterwards. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LABELS, OWNER, cacheVolumeName, daemonContainerName } from '../../../src/core/names.js';
import { reapOrphans } from '../../../src/session/reaper.js';
import { SweepReport, sweepByLabel } from '../../../src/session/sweep.js';
import { labelOnlyState, teardown } from '../../../src/session/teardown.js';
import { daemonImage } from '../../support/job-daemon-double.js';
import { START, harness } from './harness.js';

const CACHE_0 = `volume ${cacheVolumeName('unit', 0)}`;

describe('teardown', () => {
  it('removes the container, network and certificates, keeps the cache volume, and is idempotent', async () => {
    const h = harness();
    const session = await h.launch();
    const first = await h.teardown(session);
    expect(first.warnings).toEqual([]);
    expect([...first.removed].sort()).toEqual(
      [
        `container ${session.containerName}`,
        `network ${session.networkName}`,
        `certs ${session.certDir}`,
      ].sort(),
    );
    expect(first.kept).toEqual([CACHE_0]);
    expect(h.leftovers()).toEqual([CACHE_0]);
    expect(existsSync(session.certDir)).toBe(false);

    const second = await h.teardown(session);
    expect(second.warnings).toEqual([]);
    expect(second.removed).toEqual([]);
    expect(h.leftovers()).toEqual([CACHE_0]);
  });

  it("stops the daemon's own containers and prunes its build cache to the budget before stopping it", async () => {
    const h = harness();
    const session = await h.launch({ 'cache-max-size': '1GiB' });
    const contents = h.engine.contentsOf(session.cacheVolume);
    Object.assign(contents, { buildCacheBytes: 3 * 2 ** 30, running: ['a', 'b'] });
    const report = await h.teardown(session);
    expect(report.warnings).toEqual([]);
    expect(contents.running).toEqual([]);
    expect(contents.buildCacheBytes).toBeLessThanOrEqual(2 ** 30);
    expect(h.engine.openDaemonClients).toBe(0);
  });

  it('then removes images least recently used first until the rest fits, keeping those in use', async () => {
    const MiB = 2 ** 20;
    const h = harness();
    const session = await h.launch({ 'cache-max-size': '1GiB' });
    const contents = h.engine.contentsOf(session.cacheVolume);
    contents.images = [
      daemonImage('used-by-a-container:1', 300 * MiB, 0, 1),
      daemonImage('old:1', 600 * MiB, 1),
      daemonImage('newest:1', 400 * MiB, 3),
      daemonImage('middle:1', 500 * MiB, 2),
    ];
    const report = await h.teardown(session);
    expect(report.warnings).toEqual([]);
    expect(contents.images.map((image) => image.repoTags[0])).toEqual(['used-by-a-container:1', 'newest:1']);
  });

  it('finds a session by its label alone (no record) and removes the same', async () => {
    const h = harness();
    const session = await h.launch();
    const report = await h.teardown(labelOnlyState(session.id, { stopTimeoutSeconds: 1 }));
    expect(report.warnings).toEqual([]);
    expect(report.removed).toContain(`certs ${session.certDir}`);
    expect(h.leftovers()).toEqual([CACHE_0]);
  });

  it('disconnects what is still attached to the session network before removing it', async () => {
    const h = harness();
    const session = await h.launch();
    const runner = h.engine.addContainer('runner');
    await h.engine.connectNetwork(session.networkName, runner);
    const report = await h.teardown(session);
    expect(report.warnings).toEqual([]);
    expect(h.leftovers()).toEqual(['container runner', CACHE_0]);
  });

  it('goes on past a failed step, reports it, and keeps the session record for gc to retry', async () => {
    const h = harness();
    const session = await h.launch();
    h.engine.fail('removeNetwork', new Error('simulated: network busy'));
    const report = await teardown(session, {
      engine: h.engine,
      stateDir: h.stateDir,
      connectDaemon: h.engine.connectDaemon,
    });
    expect(report.warnings).toEqual([`network ${session.networkName}: simulated: network busy`]);
    expect(h.leftovers()).toEqual([`network ${session.networkName}`, CACHE_0]);
    expect(existsSync(session.certDir)).toBe(false);
  });
});

describe('sweepByLabel', () => {
  it('removes what carries all the labels except cache volumes, and nothing else', async () => {
    const h = harness();
    const job = { [LABELS.owner]: OWNER, [LABELS.job]: 'job-1' };
    h.engine.addContainer('job-container', job);
    h.engine.addContainer('other-job', { ...job, [LABELS.job]: 'job-2' });
    h.engine.addNetwork('job-network', '10.251.0.0/24', job);
    await h.engine.createVolume('job-volume', job);
    await h.engine.createVolume('job-cache', { ...job, [LABELS.role]: 'cache' });
    const report = new SweepReport(undefined, 'test');
    await sweepByLabel(h.engine, job, report);
    expect(report.warnings).toEqual([]);
    expect(report.removed.sort()).toEqual([
      'container job-container',
      'network job-network',
      'volume job-volume',
    ]);
    expect(h.engine.resources()).toEqual(['container other-job', 'volume job-cache']);
  });
});

describe('reapOrphans', () => {
  it('tears down sessions past their deadline and never a live one', async () => {
    const h = harness();
    const expiring = await h.launch({ 'cache-key': 'expiring', deadline: '1m' });
    const live = await h.launch({ 'cache-key': 'live', deadline: '1h' });
    const report = await reapOrphans(h.engine, new Date(START + 10 * 60_000), h.stateDir);
    expect(report.warnings).toEqual([]);
    expect(report.removed).toContain(`container ${daemonContainerName('expiring', 0)}`);
    expect(h.leftovers()).toEqual(
      [
        `container ${live.containerName}`,
        `network ${live.networkName}`,
        `volume ${cacheVolumeName('expiring', 0)}`,
        `volume ${cacheVolumeName('live', 0)}`,
      ].sort(),
    );
    expect(existsSync(expiring.certDir)).toBe(false);
  });
});
