/**
 * The DinD image run the usual ways, without secure-dind: a bare container of the same image and
 * runtime on a network of its own, created and started through the engine API (the two calls
 * `docker run -d` makes), then polled over mutual TLS exactly as launch() polls (its readiness step).
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Cidr, hostAddress } from '../../src/core/cidr.js';
import { CERT_DIR_IN_CONTAINER, DAEMON_TLS_PORT } from '../../src/core/spec.js';
import { chooseInnerRanges } from '../../src/core/subnets.js';
import { systemClock } from '../../src/core/retry.js';
import type { TlsClientFiles } from '../../src/ports.js';
import { connectJobDaemon } from '../../src/session/engine.js';
import { createOnFreeSubnet, lookAtHostNetworks } from '../../src/session/networks.js';
import { waitUntilReady } from '../../src/session/readiness.js';
import { makeSessionCerts, serverCertFiles } from '../../src/tls/certs.js';
import type { BenchContext } from './context.js';

const STARTUP_TIMEOUT_MS = 120_000;

export interface BareNetwork {
  readonly name: string;
  readonly subnet: Cidr;
  /** The inner daemon's docker0, clear of every outer range (as secure-dind chooses it). */
  readonly innerBip: string;
}

/** A network for the bare containers, on a /24 no other network or route uses (as launch picks it). */
export async function createBareNetwork(ctx: BenchContext): Promise<BareNetwork> {
  const host = await lookAtHostNetworks(ctx.engine);
  const placed = await createOnFreeSubnet(ctx.engine, {
    name: `${ctx.prefix}-net`,
    occupied: host.occupied,
    offset: 97,
    mtu: host.outerMtu,
    labels: { ...ctx.labels },
  });
  const inner = chooseInnerRanges([...host.occupied, placed.subnet]);
  if (!inner) throw new Error("no free range for the bare containers' inner bridge");
  return { name: placed.name, subnet: placed.subnet, innerBip: inner.bip };
}

export async function removeBareNetwork(ctx: BenchContext, network: BareNetwork): Promise<void> {
  await ctx.api.getNetwork(network.name).remove();
}

export interface BareContainerSpec {
  readonly name: string;
  readonly ip: string;
  /** Host directories bound into the container, e.g. { '/tmp/x': '/certs/server:ro' }. */
  readonly binds: Readonly<Record<string, string>>;
}

/** Creates and starts the bare DinD container; returns its id. */
export async function runBare(
  ctx: BenchContext,
  network: BareNetwork,
  spec: BareContainerSpec,
): Promise<string> {
  const container = await ctx.api.createContainer({
    name: spec.name,
    Image: ctx.image,
    Env: [`DOCKER_TLS_CERTDIR=${CERT_DIR_IN_CONTAINER}`],
    Cmd: [`--bip=${network.innerBip}`],
    Labels: { ...ctx.labels },
    HostConfig: {
      Runtime: ctx.runtime,
      NetworkMode: network.name,
      Binds: Object.entries(spec.binds).map(([host, target]) => `${host}:${target}`),
    },
    NetworkingConfig: { EndpointsConfig: { [network.name]: { IPAMConfig: { IPv4Address: spec.ip } } } },
  });
  await container.start();
  return container.id;
}

export async function removeBare(ctx: BenchContext, id: string): Promise<void> {
  await ctx.api.getContainer(id).remove({ force: true, v: true });
}

/** Polls the daemon over mutual TLS exactly as launch() does (its readiness step). */
export async function waitBareDaemon(
  ctx: BenchContext,
  id: string,
  ip: string,
  tls: TlsClientFiles,
): Promise<void> {
  await waitUntilReady(
    ctx.engine,
    { address: { host: ip, port: DAEMON_TLS_PORT }, tls, containerId: id, containerName: id.slice(0, 12) },
    { timeoutMs: STARTUP_TIMEOUT_MS, clock: systemClock, connectDaemon: connectJobDaemon },
  );
}

export interface FloorCerts {
  /** Holds ca.pem, cert.pem, key.pem for $DOCKER_TLS_CERTDIR/server. */
  readonly serverDir: string;
  readonly client: TlsClientFiles;
}

/**
 * Certificates made beforehand (the floor): server files in a directory to bind, client PEMs kept.
 * The server certificate names every address a bare container of the run may have.
 */
export async function prepareFloorCerts(ctx: BenchContext, ips: readonly string[]): Promise<FloorCerts> {
  const certs = await makeSessionCerts({
    serverDnsNames: ['docker', 'localhost'],
    serverIps: [...ips, '127.0.0.1'],
  });
  const serverDir = join(ctx.workDir, 'floor-server');
  await mkdir(serverDir, { recursive: true, mode: 0o700 });
  for (const [file, content] of Object.entries(serverCertFiles(certs))) {
    await writeFile(join(serverDir, file), content, { mode: file === 'key.pem' ? 0o600 : 0o644 });
  }
  return { serverDir, client: { ca: certs.caCertPem, cert: certs.client.certPem, key: certs.client.keyPem } };
}

/** A fresh, empty directory to bind at /certs/client (the docker:dind way of sharing the client certs). */
export async function emptyClientDir(ctx: BenchContext, name: string): Promise<string> {
  const dir = join(ctx.workDir, name);
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  return dir;
}

const CERT_POLL_MS = 100;

/**
 * Waits until the entrypoint has written the client certificates: its last step makes cert.pem
 * 0644, after ca.pem and key.pem are in place. Returns their contents.
 */
export async function waitClientCerts(ctx: BenchContext, id: string, dir: string): Promise<TlsClientFiles> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    const sizes = await Promise.all(
      ['ca.pem', 'key.pem', 'cert.pem'].map((file) => stat(join(dir, file)).catch(() => undefined)),
    );
    const cert = sizes[2];
    if (sizes.every((s) => s && s.size > 0) && cert && (cert.mode & 0o777) === 0o644) {
      const [ca, key, certPem] = await Promise.all(
        ['ca.pem', 'key.pem', 'cert.pem'].map((file) => readFile(join(dir, file), 'utf8')),
      );
      return { ca: ca!, key: key!, cert: certPem! };
    }
    if (attempt % 10 === 0 && !(await ctx.engine.inspectContainer(id))?.running)
      throw new Error(`the docker:dind-way container stopped:\n${await ctx.engine.containerLogs(id, 20)}`);
    await new Promise((resolve) => setTimeout(resolve, CERT_POLL_MS));
  }
  throw new Error(
    `the docker:dind-way container wrote no client certificates within ${STARTUP_TIMEOUT_MS} ms`,
  );
}

export function bareAddress(network: BareNetwork, n: number): string {
  return hostAddress(network.subnet, n);
}
