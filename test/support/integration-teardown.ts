/**
 * After the integration run: the spare session networks the tests' launches made. Each test gets a
 * state dir of its own, and a launch leaves a spare for the next launch of its state dir (see
 * src/session/networks.ts); on a runner host one state dir keeps at most two, but the tests'
 * temporary ones would otherwise each leave theirs. Only unattached spares go.
 */
import { LABELS } from '../../src/core/names.js';
import { DockerEngine } from '../../src/engine/docker.js';

export async function teardown(): Promise<void> {
  const engine = new DockerEngine('unix:///var/run/docker.sock');
  const spares = await engine.listNetworks({ [LABELS.pool]: undefined }).catch(() => []);
  for (const spare of spares) {
    const attached = (await engine.inspectNetwork(spare.name).catch(() => undefined))?.containers ?? [];
    if (attached.length === 0) await engine.removeNetwork(spare.name).catch(() => false);
  }
}
