/**
 * A DinD container started by hand, without secure-dind's launch: runner-image under the test
 * runtime, on its own network at a fixed address, with server certificates the test provides.
 * For tests of the image contract and of TLS with certificates launch would never hand out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cidr, formatCidr, parseCidr } from '../../src/core/cidr.js';
import { chooseSessionSubnet } from '../../src/core/subnets.js';
import { RUNNER_IMAGE, TEST_RUNTIME, hostDocker } from './engine.js';

/** Polls `probe` until it resolves; fails with the last error after the timeout. */
export async function waitFor<T>(what: string, probe: () => Promise<T>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await probe();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms: ${String(lastError)}`);
}

export interface ServerFiles {
  readonly caCertPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export class StandaloneDaemon {
  readonly name: string;
  readonly network: string;
  readonly volume: string;
  readonly work: string;

  private constructor(
    prefix: string,
    /** The address the container gets (put it in the server certificate). */
    readonly ip: string,
  ) {
    const suffix = Math.random().toString(36).slice(2, 8);
    this.name = `${prefix}-${suffix}`;
    this.network = `${prefix}-net-${suffix}`;
    this.volume = `${prefix}-vol-${suffix}`;
    this.work = mkdtempSync(join(tmpdir(), `${prefix}-`));
  }

  /** Creates the daemon's network on a free subnet; start the daemon once its certificates exist. */
  static async reserve(prefix: string): Promise<StandaloneDaemon> {
    const ids = (await hostDocker(['network', 'ls', '-q'])).split('\n').filter(Boolean);
    const networks = JSON.parse(await hostDocker(['network', 'inspect', ...ids])) as {
      IPAM: { Config: { Subnet?: string }[] | null };
    }[];
    const occupied = networks.flatMap((n) =>
      (n.IPAM.Config ?? []).map((c) => parseCidr(c.Subnet ?? '')).filter((c): c is Cidr => c !== undefined),
    );
    const subnet = chooseSessionSubnet(occupied, Math.floor(Math.random() * 500))!;
    const daemon = new StandaloneDaemon(prefix, subnet.daemonIp);
    await hostDocker(['network', 'create', '--subnet', formatCidr(subnet.subnet), daemon.network]);
    return daemon;
  }

  /** Starts runner-image with these server files in /certs/server and a volume on /var/lib/docker. */
  async start(files: ServerFiles): Promise<void> {
    const serverDir = join(this.work, 'server');
    mkdirSync(serverDir, { mode: 0o700 });
    writeFileSync(join(serverDir, 'ca.pem'), files.caCertPem);
    writeFileSync(join(serverDir, 'cert.pem'), files.certPem);
    writeFileSync(join(serverDir, 'key.pem'), files.keyPem, { mode: 0o600 });
    await hostDocker(['volume', 'create', this.volume]);
    await hostDocker([
      ...['run', '-d', '--name', this.name, '--runtime', TEST_RUNTIME],
      ...['--network', this.network, '--ip', this.ip],
      ...['-v', `${this.volume}:/var/lib/docker`, '-v', `${serverDir}:/certs/server:ro`],
      RUNNER_IMAGE,
    ]);
  }

  async remove(): Promise<void> {
    await hostDocker(['rm', '-f', '-v', this.name]).catch(() => undefined);
    await hostDocker(['network', 'rm', this.network]).catch(() => undefined);
    await hostDocker(['volume', 'rm', '-f', this.volume]).catch(() => undefined);
    rmSync(this.work, { recursive: true, force: true });
  }
}
