/**
 * Bootstrap end to end, without touching this machine's own system: a throwaway container (the
 * "sandbox host") runs its own dockerd under the engine's sysbox-runc runtime; its /etc/docker and
 * package cache are directories of a temporary root on this side, so the install code runs
 * in-process with that root, a command runner that runs inside the sandbox (docker exec), and the
 * real Docker probe pointed at the sandbox's daemon socket. A local HTTPS server with its own CA
 * serves a stand-in sysbox-ce package built here with dpkg-deb (test/fixtures/runtime/standin-deb).
 *
 * Also: `doctor --json` and ensureRuntime on this machine report the stand-in honestly.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBootstrapCommand } from '../../src/cli/commands/bootstrap.js';
import { doctorCommand } from '../../src/cli/commands/doctor.js';
import { bootstrapSysbox } from '../../src/runtime/apply.js';
import { createDownloader } from '../../src/runtime/download.js';
import { DockerEngine } from '../../src/engine/docker.js';
import { ensureRuntime } from '../../src/runtime/ensure.js';
import { createHostFiles, type CommandRunner, type RuntimeEdges } from '../../src/runtime/host.js';
import { BUSYBOX_IMAGE, DOCKER_CLI, engineReady, hostDocker } from '../support/engine.js';
import { collectingLogger } from '../support/collecting-logger.js';

const execFileAsync = promisify(execFile);
const SANDBOX_IMAGE = 'secure-dind/base:bookworm';
const fixtures = join(import.meta.dirname, '../fixtures/runtime');

/** Runs commands inside the sandbox container, the way the real runner runs them on a host. */
function sandboxRunner(container: string): CommandRunner {
  return {
    run(argv, options = {}) {
      const envFlags = Object.entries(options.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
      return new Promise((done) => {
        execFile(
          DOCKER_CLI,
          ['exec', ...envFlags, container, ...argv],
          { maxBuffer: 32 * 1024 * 1024, timeout: options.timeoutMs ?? 300_000 },
          (error, stdout, stderr) => {
            const code = (error as { code?: unknown } | null)?.code;
            done({ exitCode: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
          },
        );
      });
    },
  };
}

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
}

describe.runIf(engineReady)('secure-dind bootstrap in a sandbox host', () => {
  const container = `secure-dind-bootstrap-test-${randomBytes(4).toString('hex')}`;
  let root = '';
  let server: Server | undefined;
  let baseUrl = '';
  let debSha = '';
  let edges: RuntimeEdges;
  let inside: CommandRunner;
  let userJobStartedAt = '';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sdind-bootstrap-'));
    for (const dir of ['etc/docker', 'var/cache/secure-dind', 'sock', 'build', 'tls'])
      mkdirSync(join(root, dir), { recursive: true });

    // The stand-in package.
    cpSync(join(fixtures, 'standin-deb'), join(root, 'build/pkg'), { recursive: true });
    await execFileAsync('dpkg-deb', [
      '--root-owner-group',
      '--build',
      join(root, 'build/pkg'),
      join(root, 'build/sysbox-ce.deb'),
    ]);
    const deb = readFileSync(join(root, 'build/sysbox-ce.deb'));
    debSha = createHash('sha256').update(deb).digest('hex');

    // A CA of our own and a server certificate for 127.0.0.1.
    const tls = join(root, 'tls');
    const openssl = (args: string[]) => execFileAsync('openssl', args, { cwd: tls });
    await openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=bootstrap test CA',
    ]);
    await openssl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    ]);
    await execFileAsync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\n" > san.ext'], { cwd: tls });
    await openssl([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'san.ext',
    ]);
    server = createServer(
      { key: readFileSync(join(tls, 'server.key')), cert: readFileSync(join(tls, 'server.pem')) },
      (req, res) => {
        if (req.url === '/sysbox-ce.deb') {
          res.writeHead(200, {
            'content-type': 'application/vnd.debian.binary-package',
            'content-length': deb.length,
          });
          res.end(deb);
        } else {
          res.writeHead(404).end('not found');
        }
      },
    );
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // The sandbox host: its own dockerd (main process, so it gets the runtime's capabilities).
    await hostDocker([
      'run',
      '-d',
      '--name',
      container,
      '--runtime',
      'sysbox-runc',
      '--label',
      'dev.secure-dind.owner=secure-dind-tests',
      '-v',
      `${join(root, 'etc/docker')}:/etc/docker`,
      '-v',
      `${join(root, 'var/cache/secure-dind')}:/var/cache/secure-dind`,
      '-v',
      `${join(root, 'sock')}:/sandbox-sock`,
      SANDBOX_IMAGE,
      'dockerd',
      '--iptables=false',
      '-H',
      'unix:///var/run/docker.sock',
      '-H',
      'unix:///sandbox-sock/docker.sock',
    ]);
    inside = sandboxRunner(container);
    for (let i = 0; i < 120 && (await inside.run(['docker', 'version'])).exitCode !== 0; i++)
      await new Promise((r) => setTimeout(r, 500));
    await execFileAsync('sh', [
      '-c',
      `"${DOCKER_CLI}" save ${BUSYBOX_IMAGE} | "${DOCKER_CLI}" exec -i ${container} docker load`,
    ]);
    // A user's container on the sandbox host, which bootstrap must leave alone.
    const started = await inside.run([
      'docker',
      'run',
      '-d',
      '--name',
      'user-job',
      BUSYBOX_IMAGE,
      'sleep',
      '3600',
    ]);
    expect(started.exitCode, started.stderr).toBe(0);
    userJobStartedAt = (
      await inside.run(['docker', 'inspect', '-f', '{{.State.StartedAt}}', 'user-job'])
    ).stdout.trim();

    edges = {
      runner: inside,
      files: createHostFiles(root),
      engine: new DockerEngine(`unix://${join(root, 'sock/docker.sock')}`),
      downloader: createDownloader({
        ca: readFileSync(join(tls, 'ca.pem'), 'utf8'),
        attempts: 2,
        backoffMs: 10,
      }),
    };
  });

  afterAll(async () => {
    await hostDocker(['rm', '-f', '-v', container]).catch(() => undefined);
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const request = () => ({
    version: '0.7.1',
    url: `${baseUrl}/sysbox-ce.deb`,
    sha256: debSha,
    smokeImage: BUSYBOX_IMAGE,
  });

  it('reports an HTTP failure clearly and installs nothing', async () => {
    await expect(bootstrapSysbox(edges, { ...request(), url: `${baseUrl}/no-such.deb` })).rejects.toThrow(
      /HTTP 404 from https:\/\/127\.0\.0\.1/,
    );
    expect((await inside.run(['dpkg-query', '-W', 'sysbox-ce'])).exitCode).not.toBe(0);
  });

  it('deletes a package whose digest does not match and installs nothing', async () => {
    const wrong = createHash('sha256').update('something else').digest('hex');
    await expect(bootstrapSysbox(edges, { ...request(), sha256: wrong })).rejects.toThrow(
      /sha256 mismatch.*nothing was installed/,
    );
    expect(readdirSync(join(root, 'var/cache/secure-dind'))).toEqual([]);
    expect((await inside.run(['dpkg-query', '-W', 'sysbox-ce'])).exitCode).not.toBe(0);
    expect(existsSync(join(root, 'etc/docker/daemon.json'))).toBe(false);
    const runtimes = JSON.parse(
      (await inside.run(['docker', 'info', '--format', '{{json .Runtimes}}'])).stdout,
    );
    expect(Object.keys(runtimes)).not.toContain('sysbox-runc');
  });

  it('downloads, verifies, installs through apt and verifies the runtime, leaving containers alone', async () => {
    const log: string[] = [];
    const outcome = await bootstrapSysbox(edges, { ...request(), log: collectingLogger(log) });

    const byId = Object.fromEntries(outcome.verification.map((c) => [c.id, c]));
    expect(byId.runtime?.status).toBe('pass');
    expect(byId.smoke?.status).toBe('pass');
    expect(byId.units?.status).toBe('warn'); // no systemd in the sandbox: reported, not faked

    // The package and its dependencies are installed, fuse3 among them.
    expect((await inside.run(['dpkg-query', '-W', '-f', '${Version}', 'sysbox-ce'])).stdout).toBe('0.7.1-0');
    expect((await inside.run(['dpkg-query', '-W', '-f', '${Status}', 'fuse3', 'jq'])).stdout).toBe(
      'install ok installedinstall ok installed',
    );

    // daemon.json kept docker0's current address and gained the runtime.
    const route = (await inside.run(['docker', 'run', '--rm', BUSYBOX_IMAGE, 'ip', 'route'])).stdout;
    const subnet = JSON.parse(
      (await inside.run(['docker', 'network', 'inspect', 'bridge', '--format', '{{json .IPAM.Config}}']))
        .stdout,
    )[0].Subnet;
    const daemonJson = JSON.parse(readFileSync(join(root, 'etc/docker/daemon.json'), 'utf8'));
    expect(daemonJson.bip).toBe(`${/default via (\S+)/.exec(route)?.[1]}/${subnet.split('/')[1]}`);
    expect(daemonJson['default-address-pools'].length).toBeGreaterThan(0);
    expect(daemonJson.runtimes['sysbox-runc'].path).toBe('/usr/bin/sysbox-runc');

    // A container under the runtime has root remapped, as seen from the sandbox's own CLI.
    const uidMap = await inside.run([
      'docker',
      'run',
      '--rm',
      '--runtime',
      'sysbox-runc',
      BUSYBOX_IMAGE,
      'cat',
      '/proc/self/uid_map',
    ]);
    expect(uidMap.stdout.trim().split(/\s+/).slice(0, 2)).not.toEqual(['0', '0']);

    // The user's container was neither stopped nor restarted.
    const state = (
      await inside.run(['docker', 'inspect', '-f', '{{.State.Running}} {{.State.StartedAt}}', 'user-job'])
    ).stdout.trim();
    expect(state).toBe(`true ${userJobStartedAt}`);
  });

  it('is idempotent, and --dry-run shows it changes nothing', async () => {
    const before = readFileSync(join(root, 'etc/docker/daemon.json'), 'utf8');
    const again = await bootstrapSysbox(edges, request());
    expect(again.plan.upToDate).toBe(true);
    expect(again.plan.steps).toEqual([]);

    const out = capture();
    const err = capture();
    const command = createBootstrapCommand({ edges: () => edges });
    const status = await command.run(
      ['--dry-run', '--version', '0.7.1', '--url', `${baseUrl}/sysbox-ce.deb`, '--sha256', debSha],
      {
        stdout: out.stream,
        stderr: err.stream,
        env: {},
      },
    );
    expect(status, err.text()).toBe(0);
    expect(out.text()).toMatch(/nothing to install/);
    expect(readFileSync(join(root, 'etc/docker/daemon.json'), 'utf8')).toBe(before);
  });
});

describe.runIf(engineReady)('runtime assurance on this machine (Sysbox stand-in registered)', () => {
  it('doctor --json says the registered sysbox-runc is not Sysbox and exits non-zero', async () => {
    const out = capture();
    const err = capture();
    const status = await doctorCommand.run(['--json'], {
      stdout: out.stream,
      stderr: err.stream,
      env: process.env,
    });
    const report = JSON.parse(out.text());
    expect(status).toBe(1);
    expect(report.ready).toBe(false);
    const runtime = report.checks.find((c: { id: string }) => c.id === 'runtime');
    expect(runtime.status).toBe('fail');
    expect(runtime.detail).toMatch(/registered but is not Sysbox/);
    expect(runtime.detail).toContain('test double, not Sysbox');
    expect(report.checks.find((c: { id: string }) => c.id === 'sysbox-version').status).toBe('fail');
  });

  it('ensureRuntime uses a registered runtime that is not Sysbox, warning, and never installs over it', async () => {
    const said: string[] = [];
    const status = await ensureRuntime({ install: 'auto', isRoot: true, log: collectingLogger(said) });
    expect(status).toMatchObject({ runtime: 'sysbox-runc', sysboxVersion: undefined, installed: false });
    expect(status.warning).toMatch(/registered but is not Sysbox.*not Sysbox's/);
    expect(said.join('\n')).toMatch(/warning: runtime sysbox-runc is registered but is not Sysbox/);
  });

  it('ensureRuntime fails with the fix when the runtime is not registered at all', async () => {
    await expect(ensureRuntime({ install: 'never', runtime: 'no-such-runtime' })).rejects.toMatchObject({
      kind: 'system',
      message: expect.stringMatching(/runtime no-such-runtime is not registered/),
      hint: expect.stringMatching(/secure-dind bootstrap/),
    });
    await expect(
      ensureRuntime({ install: 'auto', isRoot: false, runtime: 'no-such-runtime' }),
    ).rejects.toMatchObject({
      hint: expect.stringMatching(/needs root/),
    });
  });
});
