import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClientCerts } from '../../../src/tls/cert-dir.js';
import {
  makeCertAuthority,
  makeSessionCerts,
  serverCertFiles,
  type SessionCerts,
} from '../../../src/tls/certs.js';

const DAY = 24 * 60 * 60 * 1000;
const SERVER_DNS = ['docker', 'dind-session.example'];
const SERVER_IPS = ['127.0.0.1', '10.11.12.13', '::1'];

/** The SAN entries of a certificate, as node reports them ("DNS:x", "IP Address:y"). */
function sanEntries(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ').filter((entry) => entry !== '');
}

interface Der {
  tag: number;
  content: Buffer;
}

/** Reads the DER elements laid end to end in `data` (enough of DER for certificate extensions). */
function derElements(data: Buffer): Der[] {
  const out: Der[] = [];
  let offset = 0;
  while (offset < data.length) {
    const tag = data[offset] ?? 0;
    let length = data[offset + 1] ?? 0;
    let header = 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i += 1) length = length * 256 + (data[offset + 2 + i] ?? 0);
      header += count;
    }
    out.push({ tag, content: data.subarray(offset + header, offset + header + length) });
    offset += header + length;
  }
  return out;
}

const OID = { basicConstraints: '551d13', keyUsage: '551d0f' } as const;

/** The extension with this OID (hex of its DER content): whether it is critical and its value. */
function extension(cert: X509Certificate, oidHex: string): { critical: boolean; value: Der[] } | undefined {
  const [certificate] = derElements(cert.raw);
  const [tbs] = derElements(certificate!.content);
  const explicit3 = derElements(tbs!.content).find((element) => element.tag === 0xa3);
  if (!explicit3) return undefined;
  const [list] = derElements(explicit3.content);
  for (const ext of derElements(list!.content)) {
    const parts = derElements(ext.content);
    if (parts[0]!.content.toString('hex') !== oidHex) continue;
    const critical = parts.length === 3 && parts[1]!.tag === 0x01 && parts[1]!.content[0] === 0xff;
    return { critical, value: derElements(parts[parts.length - 1]!.content) };
  }
  return undefined;
}

/** Key usage bit names set in a certificate's keyUsage extension (RFC 5280 4.2.1.3 order). */
function keyUsage(cert: X509Certificate): { critical: boolean; usages: string[] } | undefined {
  const names = [
    'digitalSignature',
    'nonRepudiation',
    'keyEncipherment',
    'dataEncipherment',
    'keyAgreement',
    'keyCertSign',
    'cRLSign',
    'encipherOnly',
    'decipherOnly',
  ];
  const ext = extension(cert, OID.keyUsage);
  if (!ext) return undefined;
  const bits = ext.value[0]!.content; // BIT STRING: unused-bit count, then the bits
  const usages = names.filter((_, index) => ((bits[1 + (index >> 3)] ?? 0) >> (7 - (index & 7))) & 1);
  return { critical: ext.critical, usages };
}

/** basicConstraints: criticality and the cA flag (absent means false). */
function basicConstraints(cert: X509Certificate): { critical: boolean; ca: boolean } | undefined {
  const ext = extension(cert, OID.basicConstraints);
  if (!ext) return undefined;
  const fields = derElements(ext.value[0]!.content);
  const ca = fields[0]?.tag === 0x01 && fields[0].content[0] === 0xff;
  return { critical: ext.critical, ca };
}

let certs: SessionCerts;
let ca: X509Certificate;
let server: X509Certificate;
let client: X509Certificate;
const now = new Date();

beforeAll(async () => {
  certs = await makeSessionCerts({ serverDnsNames: SERVER_DNS, serverIps: SERVER_IPS, now });
  ca = new X509Certificate(certs.caCertPem);
  server = new X509Certificate(certs.server.certPem);
  client = new X509Certificate(certs.client.certPem);
});

describe('makeSessionCerts', () => {
  it('makes a self-signed CA certificate: critical CA:true, key usage keyCertSign and cRLSign', () => {
    expect(ca.ca).toBe(true);
    expect(basicConstraints(ca)).toEqual({ critical: true, ca: true });
    expect(keyUsage(ca)?.usages).toEqual(['keyCertSign', 'cRLSign']);
    expect(ca.checkIssued(ca)).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.keyUsage).toBeUndefined();
  });

  it('gives the server certificate exactly the requested SANs, IPs as iPAddress entries', () => {
    const expected = [
      ...SERVER_DNS.map((name) => `DNS:${name}`),
      '127.0.0.1',
      '10.11.12.13',
      '0:0:0:0:0:0:0:1',
    ].map((entry) => (entry.startsWith('DNS:') ? entry : `IP Address:${entry}`));
    expect(sanEntries(server).sort()).toEqual(expected.sort());
    for (const name of SERVER_DNS) expect(server.checkHost(name)).toBe(name);
    for (const ip of SERVER_IPS) expect(server.checkIP(ip)).toBe(ip);
    expect(server.checkHost('other.example')).toBeUndefined();
    expect(server.checkIP('10.11.12.14')).toBeUndefined();
    // An IP must not be matched as a DNS name (it was put in an iPAddress entry, not a dNSName).
    expect(server.checkHost('127.0.0.1')).toBeUndefined();
  });

  it('limits the server certificate to serverAuth and the client certificate to clientAuth', () => {
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(keyUsage(server)?.usages).toContain('digitalSignature');
    expect(keyUsage(server)?.usages).not.toContain('keyCertSign');
    expect(keyUsage(client)?.usages).toContain('digitalSignature');
    expect(keyUsage(client)?.usages).not.toContain('keyCertSign');
    expect(sanEntries(client)).toEqual([]);
  });

  it('marks neither leaf as a CA and chains both to the session CA', () => {
    expect(server.ca).toBe(false);
    expect(client.ca).toBe(false);
    expect(basicConstraints(server)?.ca ?? false).toBe(false);
    expect(basicConstraints(client)?.ca ?? false).toBe(false);
    for (const leaf of [server, client]) {
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(leaf.issuer).toBe(ca.subject);
    }
  });

  it('does not chain to another session CA', async () => {
    const other = await makeSessionCerts({ serverDnsNames: ['docker'], serverIps: [] });
    const otherCa = new X509Certificate(other.caCertPem);
    expect(server.verify(otherCa.publicKey)).toBe(false);
    expect(client.verify(otherCa.publicKey)).toBe(false);
    expect(otherCa.serialNumber).not.toBe(ca.serialNumber);
  });

  it('is valid from a minute before now for the default seven days', () => {
    for (const cert of [ca, server, client]) {
      expect(new Date(cert.validFrom).getTime()).toBe(Math.floor((now.getTime() - 60_000) / 1000) * 1000);
      expect(new Date(cert.validTo).getTime()).toBe(Math.floor((now.getTime() + 7 * DAY) / 1000) * 1000);
    }
  });

  it('honours now and validFor', async () => {
    const start = new Date('2030-01-02T03:04:05Z');
    const short = await makeSessionCerts({
      serverDnsNames: ['docker'],
      serverIps: [],
      now: start,
      validFor: 3_600_000,
    });
    const leaf = new X509Certificate(short.client.certPem);
    expect(new Date(leaf.validFrom).toISOString()).toBe('2030-01-02T03:03:05.000Z');
    expect(new Date(leaf.validTo).toISOString()).toBe('2030-01-02T04:04:05.000Z');
  });

  it('uses EC P-256 keys, ECDSA-SHA256 signatures and PKCS#8 PEM private keys matching the certificates', () => {
    for (const [pair, cert] of [
      [certs.server, server],
      [certs.client, client],
    ] as const) {
      expect(pair.keyPem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
      const key = createPrivateKey(pair.keyPem);
      expect(key.asymmetricKeyType).toBe('ec');
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(cert.checkPrivateKey(key)).toBe(true);
      expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    }
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.toString()).toBeTruthy();
  });

  it('gives every certificate a distinct positive serial number', () => {
    const serials = [ca, server, client].map((cert) => cert.serialNumber);
    expect(new Set(serials).size).toBe(3);
    for (const serial of serials) {
      expect(serial).toMatch(/^[0-9A-F]+$/);
      // DER INTEGER: a leading byte with the high bit set would make it negative.
      expect(Number.parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
      expect(BigInt(`0x${serial}`) > 0n).toBe(true);
    }
  });

  it('keeps the CA private key out of reach: makeCertAuthority exposes only the certificate', async () => {
    const authority = await makeCertAuthority();
    const exposed = Object.values(authority).filter((value) => typeof value !== 'function');
    expect(exposed.some((value) => typeof value === 'object' && value !== null && 'type' in value)).toBe(
      false,
    );
    expect(JSON.stringify(authority)).not.toMatch(/PRIVATE KEY/);
    expect(new X509Certificate(authority.certPem).ca).toBe(true);
  });

  it('returns no CA private key', () => {
    const text = JSON.stringify(certs);
    expect(text.match(/BEGIN PRIVATE KEY/g)).toHaveLength(2);
    expect(Object.keys(certs).sort()).toEqual(['caCertPem', 'client', 'server']);
  });

  it('rejects a server certificate request with no names or with a malformed address', async () => {
    await expect(makeSessionCerts({ serverDnsNames: [], serverIps: [] })).rejects.toThrow(/at least one/);
    await expect(makeSessionCerts({ serverDnsNames: ['docker'], serverIps: ['300.1.1.1'] })).rejects.toThrow(
      /server IP address/,
    );
    await expect(makeSessionCerts({ serverDnsNames: ['bad name'], serverIps: [] })).rejects.toThrow(
      /server DNS name/,
    );
    await expect(
      makeSessionCerts({ serverDnsNames: ['docker'], serverIps: [], validFor: 0 }),
    ).rejects.toThrow(/validity/);
  });

  it('measures generation time (median of 20)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      await makeSessionCerts({ serverDnsNames: ['docker', 'localhost'], serverIps: ['127.0.0.1'] });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const median = ((times[9] ?? 0) + (times[10] ?? 0)) / 2;
    console.log(
      `makeSessionCerts: median ${median.toFixed(2)} ms, min ${times[0]?.toFixed(2)} ms, max ${times[19]?.toFixed(2)} ms (n=20)`,
    );
    expect(median).toBeLessThan(1000);
  });
});

describe('serverCertFiles', () => {
  it('maps the docker:dind server file names to the CA, server certificate and server key', () => {
    const files = serverCertFiles(certs);
    expect(Object.keys(files).sort()).toEqual(['ca.pem', 'cert.pem', 'key.pem']);
    expect(new X509Certificate(files['ca.pem']).fingerprint256).toBe(ca.fingerprint256);
    expect(new X509Certificate(files['cert.pem']).fingerprint256).toBe(server.fingerprint256);
    expect(server.checkPrivateKey(createPrivateKey(files['key.pem']))).toBe(true);
  });
});

describe('writeClientCerts', () => {
  let parent: string;
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'secure-dind-certs-'));
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  async function mode(path: string): Promise<number> {
    return (await stat(path)).mode & 0o777;
  }

  async function checkDir(dir: string): Promise<void> {
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'key.pem'))).toBe(0o600);
    expect(await mode(join(dir, 'ca.pem'))).toBe(0o644);
    expect(await mode(join(dir, 'cert.pem'))).toBe(0o644);
    expect(new X509Certificate(await readFile(join(dir, 'ca.pem'))).fingerprint256).toBe(ca.fingerprint256);
    expect(new X509Certificate(await readFile(join(dir, 'cert.pem'))).fingerprint256).toBe(
      client.fingerprint256,
    );
    expect(client.checkPrivateKey(createPrivateKey(await readFile(join(dir, 'key.pem'), 'utf8')))).toBe(true);
  }

  it('creates the directory 0700 with key.pem 0600 and the certificates 0644', async () => {
    const dir = join(parent, 'fresh', 'nested');
    await writeClientCerts(dir, certs);
    await checkDir(dir);
  });

  it('tightens an existing 0755 directory and an existing loose key file', async () => {
    const dir = join(parent, 'existing');
    await mkdir(dir);
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'key.pem'), 'old', { mode: 0o644 });
    await chmod(join(dir, 'key.pem'), 0o666);
    await writeClientCerts(dir, certs);
    await checkDir(dir);
  });

  it('writes only the client files', async () => {
    const dir = join(parent, 'only');
    await writeClientCerts(dir, certs);
    expect((await readdir(dir)).sort()).toEqual(['ca.pem', 'cert.pem', 'key.pem']);
    const all = await Promise.all(
      ['ca.pem', 'cert.pem', 'key.pem'].map((f) => readFile(join(dir, f), 'utf8')),
    );
    expect(all.join('').match(/BEGIN PRIVATE KEY/g)).toHaveLength(1);
  });

  it('refuses a directory that is a symbolic link (and leaves its target alone)', async () => {
    const target = join(parent, 'target');
    await mkdir(target, { mode: 0o755 });
    await chmod(target, 0o755);
    const link = join(parent, 'link');
    await symlink(target, link);
    await expect(writeClientCerts(link, certs)).rejects.toMatchObject({ kind: 'system' });
    expect(await readdir(target)).toEqual([]);
    expect(await mode(target)).toBe(0o755);
  });

  it('fails with a system error naming the directory when it cannot write', async () => {
    const file = join(parent, 'a-file');
    await writeFile(file, 'x');
    await expect(writeClientCerts(file, certs)).rejects.toMatchObject({ kind: 'system' });
    await expect(writeClientCerts(file, certs)).rejects.toThrow(file);
  });
});

interface TestServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A TLS server on 127.0.0.1 requiring a client certificate from `caPem`. When `enforce` is false it
 * lets every client in and answers with the reason OpenSSL gave for the client certificate (or
 * "authorized"), so a test can tell why the enforcing server refused it.
 */
async function startServer(
  caPem: string,
  pair: { certPem: string; keyPem: string },
  enforce: boolean,
): Promise<TestServer> {
  const server = tls.createServer(
    { ca: caPem, cert: pair.certPem, key: pair.keyPem, requestCert: true, rejectUnauthorized: enforce },
    (socket) => socket.end(enforce ? 'hello' : String(socket.authorizationError ?? 'authorized')),
  );
  // Refused handshakes surface on the server as tlsClientError; they are expected here.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Connects as a client trusting `caPem`; resolves with what the server sent, rejects when refused. */
function talk(
  port: number,
  caPem: string,
  options: { cert?: string; key?: string; servername?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: caPem, rejectUnauthorized: true, ...options });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    // With TLS 1.3 the server checks the client certificate after the client's handshake is done,
    // and node's server then just closes the connection: a refusal can be a close with no data.
    socket.on('end', () =>
      received === '' ? reject(new Error('connection closed by the server')) : resolve(received),
    );
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  });
}

describe('mutual TLS with the session certificates', () => {
  let enforcing: TestServer;
  let observing: TestServer;
  const client = (pair: { certPem: string; keyPem: string }) => ({ cert: pair.certPem, key: pair.keyPem });

  beforeAll(async () => {
    enforcing = await startServer(certs.caCertPem, certs.server, true);
    observing = await startServer(certs.caCertPem, certs.server, false);
  });

  afterAll(async () => {
    await enforcing.close();
    await observing.close();
  });

  it('accepts the session client certificate; the client accepts the server by IP and by name', async () => {
    await expect(talk(enforcing.port, certs.caCertPem, client(certs.client))).resolves.toBe('hello');
    await expect(
      talk(enforcing.port, certs.caCertPem, { ...client(certs.client), servername: 'docker' }),
    ).resolves.toBe('hello');
    await expect(talk(observing.port, certs.caCertPem, client(certs.client))).resolves.toBe('authorized');
  });

  it('refuses a client without a certificate', async () => {
    await expect(talk(enforcing.port, certs.caCertPem)).rejects.toThrow(/certificate required|closed/);
  });

  it('refuses a client certificate from another session CA', async () => {
    const other = await makeSessionCerts({ serverDnsNames: ['docker'], serverIps: ['127.0.0.1'] });
    await expect(talk(enforcing.port, certs.caCertPem, client(other.client))).rejects.toThrow();
    await expect(talk(observing.port, certs.caCertPem, client(other.client))).resolves.toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|CERT_SIGNATURE_FAILURE/,
    );
  });

  it('refuses the server certificate used as a client certificate (it is for serverAuth only)', async () => {
    await expect(talk(enforcing.port, certs.caCertPem, client(certs.server))).rejects.toThrow();
    await expect(talk(observing.port, certs.caCertPem, client(certs.server))).resolves.toBe(
      'INVALID_PURPOSE',
    );
  });

  it('refuses an expired client certificate from the same CA', async () => {
    const start = Date.now();
    const authority = await makeCertAuthority({ now: new Date(start - 3 * DAY) });
    const window = { notBefore: new Date(start - 3 * DAY), notAfter: new Date(start + DAY) };
    const serverPair = await authority.issue({ kind: 'server', ips: ['127.0.0.1'], ...window });
    const fresh = await authority.issue({ kind: 'client', ...window });
    const expired = await authority.issue({
      kind: 'client',
      notBefore: new Date(start - 2 * DAY),
      notAfter: new Date(start - DAY),
    });
    const authorityCert = new X509Certificate(authority.certPem);
    expect(new X509Certificate(expired.certPem).checkIssued(authorityCert)).toBe(true);
    expect(new X509Certificate(expired.certPem).verify(authorityCert.publicKey)).toBe(true);

    const strict = await startServer(authority.certPem, serverPair, true);
    const lax = await startServer(authority.certPem, serverPair, false);
    try {
      // The same CA's unexpired client certificate works, so the refusal below is down to expiry.
      await expect(talk(strict.port, authority.certPem, client(fresh))).resolves.toBe('hello');
      await expect(talk(strict.port, authority.certPem, client(expired))).rejects.toThrow();
      await expect(talk(lax.port, authority.certPem, client(expired))).resolves.toBe('CERT_HAS_EXPIRED');
    } finally {
      await strict.close();
      await lax.close();
    }
  });

  it('lets the client refuse the server under a name the certificate does not carry', async () => {
    await expect(
      talk(enforcing.port, certs.caCertPem, { ...client(certs.client), servername: 'not-docker' }),
    ).rejects.toThrow(/not-docker|altnames/i);
  });
});
