/**
 * SIGKILL at each step of a launch, then `secure-dind gc` past the deadline: no certificate
 * directory (with its key), no session record, no container and no network (its own, or the spare
 * it leased) may remain, nor the lease, and the cache volume stays.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheVolumeName } from '../../src/core/names.js';
import { DockerEngine } from '../../src/engine/docker.js';
import { launch } from '../../src/session/launch.js';
import { leasedBy, removeSpares } from '../../src/session/networks.js';
import { teardown } from '../../src/session/teardown.js';
import { testConfig } from '../support/session.js';
import { engineReady, hostDocker, hostEngineEnv } from '../support/engine.js';

const execFileAsync = promisify(execFile);
const CLI = resolve('dist/cli.js');
const CHILD = resolve('test/support/launch-then-die.ts');

interface Killed {
  readonly sessionId: string;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

function launchThenDie(point: string, stateDir: string, certParent: string, cacheKey: string, jobId: string) {
  return new Promise<Killed>((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, point, stateDir, certParent, cacheKey, jobId],
      {
        env: hostEngineEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (_code, signal) =>
      done({ sessionId: /session ([0-9a-f]{12})/.exec(output)?.[1] ?? '', signal, output }),
    );
  });
}

async function labelled(kind: 'container' | 'network', sessionId: string): Promise<string[]> {
  const args = kind === 'container' ? ['ps', '-a'] : ['network', 'ls'];
  const out = await hostDocker([...args, '-q', '--filter', `label=dev.secure-dind.session=${sessionId}`]);
  return out.split('\n').filter(Boolean);
}

describe.runIf(engineReady)('a launch killed at any step leaves nothing once gc has run', () => {
  const cacheKey = `kill-${Math.random().toString(36).slice(2, 10)}`;
  const jobId = `kill-test-${cacheKey}`;
  let root = '';
  let stateDir = '';
  let certParent = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sd-kill-'));
    stateDir = join(root, 'state');
    certParent = join(root, 'certs');
    // The cache volume of this key exists and holds data before the crashes.
    await hostDocker([
      'volume',
      'create',
      '--label',
      'dev.secure-dind.owner=secure-dind',
      '--label',
      'dev.secure-dind.role=cache',
      '--label',
      `dev.secure-dind.cache-key=${cacheKey}`,
      '--label',
      'dev.secure-dind.cache-slot=0',
      cacheVolumeName(cacheKey, 0),
    ]);
  });
  afterAll(async () => {
    for (const id of (await hostDocker(['ps', '-a', '-q', '--filter', `label=dev.secure-dind.job=${jobId}`]))
      .split('\n')
      .filter(Boolean))
      await hostDocker(['rm', '-f', id]).catch(() => undefined);
    await hostDocker([
      'volume',
      'rm',
      '-f',
      cacheVolumeName(cacheKey, 0),
      cacheVolumeName(`${cacheKey}-spare`, 0),
    ]).catch(() => undefined);
    await removeSpares(new DockerEngine('unix:///var/run/docker.sock'), stateDir);
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    ['network', false],
    ['network', true],
    ['certs', false],
    ['certs', true],
    ['create', false],
    ['readiness', false],
  ])('SIGKILL after %s (on a leased spare network: %s)', async (point, spare) => {
    await removeSpares(new DockerEngine('unix:///var/run/docker.sock'), stateDir);
    // A finished session leaves a spare network (made while its daemon booted) in the pool.
    if (spare) {
      const warmUp = await launch(
        testConfig({ 'cache-key': `${cacheKey}-spare` }),
        { certParentDir: certParent },
        { stateDir },
      );
      await teardown(warmUp, { stateDir });
    }
    const killed = await launchThenDie(point, stateDir, certParent, cacheKey, jobId);
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const { sessionId } = killed;
    expect(sessionId).toMatch(/^[0-9a-f]{12}$/);
    const certDir = join(certParent, `secure-dind-${sessionId}`);
    const record = join(stateDir, 'sessions', `${sessionId}.json`);
    // What the crash left: the record always; the network from the first point on; the
    // certificates (with the client key) from the second on; the container from the third on.
    expect(existsSync(record)).toBe(true);
    expect(await labelled('network', sessionId)).toHaveLength(1);
    // On a spare the session took the id the spare was made for, and holds its lease.
    expect(await leasedBy(stateDir, sessionId)).toHaveLength(spare ? 1 : 0);
    expect(existsSync(join(certDir, 'key.pem'))).toBe(point !== 'network');
    expect(await labelled('container', sessionId)).toHaveLength(
      point === 'network' || point === 'certs' ? 0 : 1,
    );

    const gc = await execFileAsync(process.execPath, [CLI, 'gc', '--json'], {
      env: { ...hostEngineEnv(), SECURE_DIND_STATE_DIR: stateDir },
    });
    expect(JSON.parse(gc.stdout).warnings).toEqual([]);

    expect(existsSync(certDir)).toBe(false);
    expect(existsSync(record)).toBe(false);
    expect(await labelled('container', sessionId)).toEqual([]);
    expect(await labelled('network', sessionId)).toEqual([]);
    expect(await leasedBy(stateDir, sessionId)).toEqual([]);
    expect((await readdir(certParent).catch(() => [])).filter((name) => name.includes(sessionId))).toEqual(
      [],
    );
    expect(
      (await hostDocker(['volume', 'inspect', '--format', '{{.Name}}', cacheVolumeName(cacheKey, 0)])).trim(),
    ).toBe(cacheVolumeName(cacheKey, 0));
  });
});
