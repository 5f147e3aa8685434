/**
 * The engine adapter reaching a job's daemon over the session's mutual TLS, against a stand-in for
 * dockerd's TLS endpoint (Node's https server with the session CA, requiring a client certificate).
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonAddress, TlsClientFiles } from '../../../src/ports.js';
import { connectJobDaemon } from '../../../src/session/engine.js';
import { makeSessionCerts, type SessionCerts } from '../../../src/tls/certs.js';

const API_VERSION = '1.47';
const ENGINE_VERSION = '27.3.1';

let certs: SessionCerts;
let otherSession: SessionCerts;

/** What the stand-in saw: the server name each handshake asked for, the keep-storage of a prune. */
const seen = { servernames: [] as (string | null)[], keepStorage: [] as string[] };

/** The stand-in's images: "old" pulled (never tagged here), "built" built here and used by a container. */
const images = new Map([
  [
    'sha256:old',
    {
      usage: {
        Id: 'sha256:old',
        RepoTags: ['old:1'],
        Created: 1_600_000_000,
        Size: 1000,
        SharedSize: 200,
        Containers: 0,
      },
      inspect: { Created: '2020-09-13T12:26:40.123Z', Metadata: { LastTagTime: '0001-01-01T00:00:00Z' } },
    },
  ],
  [
    'sha256:built',
    {
      usage: {
        Id: 'sha256:built',
        RepoTags: ['<none>:<none>'],
        Created: 1_700_000_000,
        Size: 234,
        SharedSize: -1,
        Containers: 1,
      },
      inspect: { Created: '2023-11-14T22:13:20Z', Metadata: { LastTagTime: '2024-01-01T00:00:00.5Z' } },
    },
  ],
]);

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
      seen.servernames.push((req.socket as TLSSocket).servername || null);
      if (req.method === 'GET' && url.pathname === '/version') {
        json(200, { Version: ENGINE_VERSION, ApiVersion: API_VERSION, Os: 'linux' });
      } else if (req.method === 'GET' && url.pathname === '/system/df') {
        json(200, {
          LayersSize: 1234,
          Images: [...images.values()].map((image) => image.usage),
          BuildCache: [{ Size: 100 }, { Size: 20 }],
          Containers: [{ SizeRw: 7 }],
          Volumes: [{ Name: 'v', UsageData: { Size: 3, RefCount: 1 } }],
        });
      } else if (req.method === 'POST' && url.pathname === '/build/prune') {
        seen.keepStorage.push(url.searchParams.get('keep-storage') ?? '');
        json(200, { SpaceReclaimed: 0 });
      } else if (req.method === 'GET' && /^\/images\/[^/]+\/json$/.test(url.pathname)) {
        const image = images.get(decodeURIComponent(url.pathname.split('/')[2]!));
        if (image) json(200, image.inspect);
        else json(404, { message: 'No such image' });
      } else if (req.method === 'DELETE' && url.pathname.startsWith('/images/')) {
        const id = decodeURIComponent(url.pathname.slice('/images/'.length));
        if (images.get(id)?.usage.Containers) json(409, { message: `conflict: unable to delete ${id}` });
        else if (images.delete(id)) json(200, [{ Deleted: id }]);
        else json(404, { message: 'No such image' });
      } else {
        json(500, { message: `no route for ${req.method} ${url.pathname}` });
      }
    },
  );
  // Refused handshakes are expected in some tests.
  server.on('tlsClientError', () => undefined);
  return server;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
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

function toFiles(session: SessionCerts): TlsClientFiles {
  return { ca: session.caCertPem, cert: session.client.certPem, key: session.client.keyPem };
}

async function versionOf(address: DaemonAddress, files: TlsClientFiles): Promise<string> {
  const daemon = connectJobDaemon(address, files, { timeoutMs: 2000 });
  try {
    return (await daemon.version()).version;
  } finally {
    daemon.close();
  }
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
});

describe('a job daemon over mutual TLS', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = daemonStandIn();
    port = await listen(server);
  });
  afterAll(async () => {
    await close(server);
  });

  it('answers with its versions, and close() leaves no connection open', async () => {
    const daemon = connectJobDaemon({ host: '127.0.0.1', port }, toFiles(certs), { timeoutMs: 2000 });
    await expect(daemon.version()).resolves.toEqual({ version: ENGINE_VERSION, apiVersion: API_VERSION });
    daemon.close();
    for (let i = 0; i < 50 && (await openConnections(server)) > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await openConnections(server)).toBe(0);
  });

  it('is refused with a client certificate from another session', async () => {
    const wrongClient = {
      ...toFiles(certs),
      cert: otherSession.client.certPem,
      key: otherSession.client.keyPem,
    };
    await expect(versionOf({ host: '127.0.0.1', port }, wrongClient)).rejects.toMatchObject({
      name: 'EngineError',
      kind: 'system',
      message: expect.stringContaining('Docker engine call failed: version'),
    });
  });

  it('refuses a server its CA did not sign', async () => {
    const wrongCa = { ...toFiles(certs), ca: otherSession.caCertPem };
    await expect(versionOf({ host: '127.0.0.1', port }, wrongCa)).rejects.toThrow(/certificate|signature/i);
  });

  it('checks the server name against the certificate', async () => {
    await expect(versionOf({ host: 'localhost', port }, toFiles(certs))).resolves.toBe(ENGINE_VERSION);
    // A daemon whose certificate names only "docker" and 127.0.0.1, reached as localhost.
    const narrow = await makeSessionCerts({ serverDnsNames: ['docker'], serverIps: ['127.0.0.1'] });
    const narrowServer = daemonStandIn(narrow);
    const narrowPort = await listen(narrowServer);
    try {
      await expect(versionOf({ host: '127.0.0.1', port: narrowPort }, toFiles(narrow))).resolves.toBe(
        ENGINE_VERSION,
      );
      await expect(versionOf({ host: 'localhost', port: narrowPort }, toFiles(narrow))).rejects.toThrow(
        /ERR_TLS_CERT_ALTNAME_INVALID|localhost/,
      );
    } finally {
      await close(narrowServer);
    }
  });

  it('verifies the daemon as `servername` when given (an IP its certificate does not name) and sends it as SNI', async () => {
    const namesOnly = await makeSessionCerts({ serverDnsNames: ['docker'], serverIps: [] });
    const namesOnlyServer = daemonStandIn(namesOnly);
    const namesOnlyPort = await listen(namesOnlyServer);
    try {
      await expect(versionOf({ host: '127.0.0.1', port: namesOnlyPort }, toFiles(namesOnly))).rejects.toThrow(
        /ERR_TLS_CERT_ALTNAME_INVALID|127\.0\.0\.1/,
      );
      seen.servernames.length = 0;
      await expect(
        versionOf({ host: '127.0.0.1', port: namesOnlyPort, servername: 'docker' }, toFiles(namesOnly)),
      ).resolves.toBe(ENGINE_VERSION);
      expect(seen.servernames).toEqual(['docker']);
    } finally {
      await close(namesOnlyServer);
    }
  });

  it('measures disk usage, prunes the build cache to a budget, lists images and removes them', async () => {
    const daemon = connectJobDaemon({ host: '127.0.0.1', port }, toFiles(certs), { timeoutMs: 2000 });
    try {
      await expect(daemon.diskUsage()).resolves.toEqual({
        images: 2,
        layersBytes: 1234,
        buildCacheBytes: 120,
        containersBytes: 7,
        volumesBytes: 3,
      });
      await daemon.pruneBuildCache(5000);
      expect(seen.keepStorage).toEqual(['5000']);
      await expect(daemon.listImages()).resolves.toEqual([
        {
          id: 'sha256:old',
          repoTags: ['old:1'],
          size: 1000,
          sharedSize: 200,
          created: Date.parse('2020-09-13T12:26:40.123Z'),
          lastTagged: undefined,
          containers: 0,
        },
        {
          id: 'sha256:built',
          repoTags: [],
          size: 234,
          sharedSize: undefined,
          created: Date.parse('2023-11-14T22:13:20Z'),
          lastTagged: Date.parse('2024-01-01T00:00:00.5Z'),
          containers: 1,
        },
      ]);
      await expect(daemon.removeImage('sha256:built')).rejects.toThrow(/remove image sha256:built: conflict/);
      await expect(daemon.removeImage('sha256:old')).resolves.toBe(true);
      await expect(daemon.removeImage('sha256:old')).resolves.toBe(false);
      expect([...images.keys()]).toEqual(['sha256:built']);
      await expect(daemon.info()).rejects.toThrow(/no route for GET \/info/);
    } finally {
      daemon.close();
    }
  });
});
