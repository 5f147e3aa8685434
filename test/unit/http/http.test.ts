import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  innerDaemonRequest,
  pingDaemon,
  waitForDaemon,
  type TlsClientFiles,
} from '../../../src/engine/http.js';
import { makeSessionCerts, type SessionCerts } from '../../../src/tls/certs.js';

const API_VERSION = '1.47';
const ENGINE_VERSION = '27.3.1';

let certs: SessionCerts;
let otherSession: SessionCerts;
let clientFiles: TlsClientFiles;

/** A stand-in for dockerd's TLS endpoint: mutual TLS with the session CA, a few API routes. */
function daemonStandIn(session: SessionCerts = certs): Server {
  const server = createServer(
    {
      ca: session.caCertPem,
      cert: session.server.certPem,
      key: session.server.keyPem,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://daemon');
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.method === 'GET' && url.pathname === '/_ping') {
        res
          .writeHead(200, {
            'content-type': 'text/plain; charset=utf-8',
            'api-version': API_VERSION,
            'docker-experimental': 'false',
            server: `Docker/${ENGINE_VERSION} (linux)`,
          })
          .end('OK');
      } else if (req.method === 'GET' && url.pathname === '/version') {
        json(200, { Version: ENGINE_VERSION, ApiVersion: API_VERSION, Os: 'linux' });
      } else if (req.method === 'GET' && url.pathname === '/system/df') {
        json(200, { LayersSize: 1234, BuildCache: [] });
      } else if (req.method === 'POST' && url.pathname === '/build/prune') {
        json(200, { SpaceReclaimed: Number(url.searchParams.get('keep-storage')) });
      } else if (req.method === 'POST' && url.pathname === '/images/prune') {
        res.writeHead(204).end();
      } else if (req.method === 'GET' && url.pathname === '/sni') {
        json(200, { servername: (req.socket as TLSSocket).servername || null });
      } else {
        json(500, { message: `no route for ${req.method} ${url.pathname}` });
      }
    },
  );
  // Refused handshakes are expected in some tests.
  server.on('tlsClientError', () => undefined);
  return server;
}

function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

/** A TCP port on 127.0.0.1 with nothing listening (taken from a server that was then closed). */
async function freePort(): Promise<number> {
  const server = daemonStandIn();
  const port = await listen(server);
  await close(server);
  return port;
}

function toFiles(session: SessionCerts): TlsClientFiles {
  return { ca: session.caCertPem, cert: session.client.certPem, key: session.client.keyPem };
}

beforeAll(async () => {
  certs = await makeSessionCerts({
    serverDnsNames: ['docker', 'localhost'],
    serverIps: ['127.0.0.1', '::1'],
  });
  otherSession = await makeSessionCerts({
    serverDnsNames: ['docker', 'localhost'],
    serverIps: ['127.0.0.1'],
  });
  clientFiles = toFiles(certs);
});

describe('against a listening daemon', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = daemonStandIn();
    port = await listen(server);
  });
  afterAll(async () => {
    await close(server);
  });

  it('pingDaemon answers with the API and engine versions over mutual TLS', async () => {
    const result = await pingDaemon({ host: '127.0.0.1', port }, clientFiles, { timeoutMs: 2000 });
    expect(result).toEqual({ apiVersion: API_VERSION, serverVersion: ENGINE_VERSION });
  });

  it('pingDaemon leaves no connection open behind it', async () => {
    await pingDaemon({ host: '127.0.0.1', port }, clientFiles, { timeoutMs: 2000 });
    // The client side is destroyed before pingDaemon returns; give the server a moment to notice.
    for (let i = 0; i < 50 && (await openConnections(server)) > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await openConnections(server)).toBe(0);
  });

  it('pingDaemon is refused with a client certificate from another session', async () => {
    const wrongClient = {
      ...clientFiles,
      cert: otherSession.client.certPem,
      key: otherSession.client.keyPem,
    };
    const attempt = pingDaemon({ host: '127.0.0.1', port }, wrongClient, { timeoutMs: 2000 });
    await expect(attempt).rejects.toMatchObject({
      name: 'SystemError',
      kind: 'system',
      hint: expect.stringMatching(/client certificate/),
    });
    await expect(pingDaemon({ host: '127.0.0.1', port }, wrongClient, { timeoutMs: 2000 })).rejects.toThrow(
      `https://127.0.0.1:${port}`,
    );
  });

  it('pingDaemon refuses a server its CA did not sign', async () => {
    const wrongCa = { ...clientFiles, ca: otherSession.caCertPem };
    await expect(pingDaemon({ host: '127.0.0.1', port }, wrongCa, { timeoutMs: 2000 })).rejects.toThrow(
      /certificate|signature/i,
    );
  });

  it('pingDaemon checks the server name against the certificate', async () => {
    await expect(
      pingDaemon({ host: 'localhost', port }, clientFiles, { timeoutMs: 2000 }),
    ).resolves.toMatchObject({
      apiVersion: API_VERSION,
    });
    // The same kind of daemon whose certificate names only "docker" and 127.0.0.1, reached as localhost.
    const narrow = await makeSessionCerts({ serverDnsNames: ['docker'], serverIps: ['127.0.0.1'] });
    const narrowServer = daemonStandIn(narrow);
    const narrowPort = await listen(narrowServer);
    try {
      await expect(
        pingDaemon({ host: '127.0.0.1', port: narrowPort }, toFiles(narrow), { timeoutMs: 2000 }),
      ).resolves.toMatchObject({ serverVersion: ENGINE_VERSION });
      const attempt = pingDaemon({ host: 'localhost', port: narrowPort }, toFiles(narrow), {
        timeoutMs: 2000,
      });
      await expect(attempt).rejects.toThrow(/ERR_TLS_CERT_ALTNAME_INVALID|localhost/);
    } finally {
      await close(narrowServer);
    }
  });

  it('verifies the daemon as `servername` when given: an IP with no IP SAN, a certificate naming "docker"', async () => {
    const namesOnly = await makeSessionCerts({ serverDnsNames: ['docker'], serverIps: [] });
    const namesOnlyServer = daemonStandIn(namesOnly);
    const namesOnlyPort = await listen(namesOnlyServer);
    const files = toFiles(namesOnly);
    try {
      await expect(
        pingDaemon({ host: '127.0.0.1', port: namesOnlyPort }, files, { timeoutMs: 2000 }),
      ).rejects.toThrow(/ERR_TLS_CERT_ALTNAME_INVALID|127\.0\.0\.1/);
      const asDocker = { host: '127.0.0.1', port: namesOnlyPort, servername: 'docker' };
      await expect(pingDaemon(asDocker, files, { timeoutMs: 2000 })).resolves.toMatchObject({
        serverVersion: ENGINE_VERSION,
      });
      const sni = await innerDaemonRequest<{ servername: string | null }>(asDocker, files, 'GET', '/sni');
      expect(sni.servername).toBe('docker');
    } finally {
      await close(namesOnlyServer);
    }
  });

  it('sends SNI for a host name and none for an IP address', async () => {
    const byIp = await innerDaemonRequest<{ servername: string | null }>(
      { host: '127.0.0.1', port },
      clientFiles,
      'GET',
      '/sni',
    );
    expect(byIp.servername).toBeNull();
    const byName = await innerDaemonRequest<{ servername: string | null }>(
      { host: 'localhost', port },
      clientFiles,
      'GET',
      '/sni',
    );
    expect(byName.servername).toBe('localhost');
  });

  it('innerDaemonRequest GETs and POSTs JSON and surfaces the daemon error message', async () => {
    const address = { host: '127.0.0.1', port };
    await expect(innerDaemonRequest(address, clientFiles, 'GET', '/system/df')).resolves.toEqual({
      LayersSize: 1234,
      BuildCache: [],
    });
    await expect(
      innerDaemonRequest(address, clientFiles, 'POST', '/build/prune?keep-storage=5000'),
    ).resolves.toEqual({ SpaceReclaimed: 5000 });
    await expect(innerDaemonRequest(address, clientFiles, 'POST', '/images/prune')).resolves.toBeUndefined();
    await expect(innerDaemonRequest(address, clientFiles, 'GET', '/nowhere')).rejects.toThrow(
      /HTTP 500: no route for GET \/nowhere/,
    );
  });
});

describe('waitForDaemon', () => {
  it('succeeds once a daemon starts listening after a delay', async () => {
    const port = await freePort();
    const server = daemonStandIn();
    const started = new Promise<number>((resolve, reject) => {
      setTimeout(() => listen(server, port).then(resolve, reject), 300);
    });
    try {
      const result = await waitForDaemon({ host: '127.0.0.1', port }, clientFiles, {
        timeoutMs: 5000,
        attemptTimeoutMs: 1000,
      });
      expect(result.apiVersion).toBe(API_VERSION);
      expect(result.serverVersion).toBe(ENGINE_VERSION);
      expect(result.attempts).toBeGreaterThan(1);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(250);
      expect(result.elapsedMs).toBeLessThan(5000);
    } finally {
      await started;
      await close(server);
    }
  });

  it('times out with the address and the last error when nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const attempt = waitForDaemon({ host: '127.0.0.1', port }, clientFiles, { timeoutMs: 300 });
    await expect(attempt).rejects.toMatchObject({ name: 'SystemError' });
    await expect(attempt).rejects.toThrow(
      new RegExp(`https://127\\.0\\.0\\.1:${port} did not answer within 300 ms .*last error: .*ECONNREFUSED`),
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops as soon as stillAlive throws, with its error', async () => {
    const port = await freePort();
    let checks = 0;
    const started = Date.now();
    const attempt = waitForDaemon({ host: '127.0.0.1', port }, clientFiles, {
      timeoutMs: 10_000,
      stillAlive: () => {
        checks += 1;
        if (checks === 2) throw new Error('container secure-dind-x exited with status 1');
      },
    });
    await expect(attempt).rejects.toThrow('container secure-dind-x exited with status 1');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('backs off from initialDelayMs by 1.5 up to maxDelayMs, within timeoutMs (injected clock)', async () => {
    const port = await freePort();
    let now = 1_000_000;
    const pauses: number[] = [];
    const attempt = waitForDaemon({ host: '127.0.0.1', port }, clientFiles, {
      timeoutMs: 2000,
      clock: () => now,
      sleep: async (ms) => {
        pauses.push(ms);
        now += ms;
      },
    });
    await expect(attempt).rejects.toThrow(/did not answer within 2000 ms/);

    // The schedule the contract describes: 50, 75, 112.5, … growing by 1.5 and capped at 500 ms;
    // the last pause may be cut short so the last attempt still fits in the 2000 ms.
    const schedule: number[] = [];
    for (let delay = 50; schedule.length < pauses.length; delay = Math.min(delay * 1.5, 500))
      schedule.push(delay);
    expect(pauses.slice(0, -1)).toEqual(schedule.slice(0, -1));
    expect(pauses.at(-1)).toBeLessThanOrEqual(schedule.at(-1)!);
    const total = pauses.reduce((sum, pause) => sum + pause, 0);
    expect(total).toBeLessThanOrEqual(2000);
    expect(total).toBeGreaterThan(2000 - 500);
  });

  it('gives up when its signal is aborted', async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      waitForDaemon({ host: '127.0.0.1', port }, clientFiles, {
        timeoutMs: 10_000,
        signal: controller.signal,
      }),
    ).rejects.toThrow(/cancelled/);
  });
});
