/**
 * Per-session TLS material for the inner Docker daemon: a fresh certificate authority per session,
 * a server certificate for the daemon and a client certificate for the job, all ECDSA P-256 with
 * SHA-256 signatures, made in-process with WebCrypto and a small DER writer (der.ts).
 *
 * The CA private key is generated non-extractable: it lives only inside the CertAuthority object
 * (and WebCrypto), cannot be exported even by mistake, and is gone once that object is dropped.
 */
import { constants as fsConstants } from 'node:fs';
import { chmod, lstat, mkdir, open } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { KeyObject, createHash, randomBytes, webcrypto } from 'node:crypto';
import { BadInputError, SystemError } from '../core/errors.js';
import {
  bitString,
  boolean,
  ecdsaSignature,
  explicit,
  implicit,
  namedBits,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';

export interface CertRequest {
  serverDnsNames: readonly string[];
  serverIps: readonly string[];
  /** Validity in milliseconds from `now` (default 7 days). */
  validFor?: number;
  now?: Date;
}

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface SessionCerts {
  caCertPem: string;
  server: PemPair;
  client: PemPair;
}

export interface IssueRequest {
  kind: 'server' | 'client';
  /** Server certificates only: the DNS names the daemon is reached by. */
  dnsNames?: readonly string[];
  /** Server certificates only: the IP addresses the daemon is reached by. */
  ips?: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

export interface CertAuthority {
  readonly certPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Issues a leaf certificate with a fresh P-256 key, signed by this authority. */
  issue(request: IssueRequest): Promise<PemPair>;
}

export const DEFAULT_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;
/** notBefore is set this far in the past so a peer whose clock lags a little still accepts. */
export const CLOCK_SKEW_MS = 60 * 1000;

const subtle = webcrypto.subtle;
const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;
/** KeyUsage bit numbers (RFC 5280, 4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

/**
 * A new certificate authority valid from a minute before `now` for `validFor` ms. Its private key
 * is non-extractable and stays inside the returned object.
 */
export async function makeCertAuthority(
  options: { now?: Date; validFor?: number } = {},
): Promise<CertAuthority> {
  const now = options.now ?? new Date();
  const validFor = checkValidity(options.validFor);
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const notAfter = new Date(now.getTime() + validFor);

  const keys = await generateKeys(false);
  const caKeyId = await keyIdentifier(keys.publicKey);
  // The CA's subject and every leaf's issuer are the same bytes (Go's crypto/x509 matches them raw).
  const name = commonName(`secure-dind session CA ${randomBytes(6).toString('hex')}`);
  const certPem = await certificate({
    issuer: name,
    subject: name,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true), smallInteger(0))),
      extension(OID.keyUsage, true, namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
      extension(OID.subjectKeyIdentifier, false, octetString(caKeyId)),
    ],
  });
  const caPrivateKey = keys.privateKey;

  return {
    certPem,
    notBefore,
    notAfter,
    async issue(request: IssueRequest): Promise<PemPair> {
      if (!(request.notAfter.getTime() > request.notBefore.getTime())) {
        throw new BadInputError(
          'certificate validity',
          `${request.notBefore.toISOString()}..${request.notAfter.toISOString()}`,
          'notAfter later than notBefore',
        );
      }
      const leafKeys = await generateKeys(true);
      const extensions = [
        extension(OID.basicConstraints, true, sequence()),
        extension(OID.subjectKeyIdentifier, false, octetString(await keyIdentifier(leafKeys.publicKey))),
        extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, caKeyId))),
      ];
      let subject: string;
      if (request.kind === 'server') {
        const dnsNames = unique((request.dnsNames ?? []).map(checkDnsName));
        const ips = unique((request.ips ?? []).map(normalizeIp));
        if (dnsNames.length === 0 && ips.length === 0) {
          throw new BadInputError('server certificate names', '', 'at least one DNS name or IP address');
        }
        subject = dnsNames[0] ?? 'secure-dind daemon';
        extensions.push(
          extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyAgreement])),
          extension(OID.extendedKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
          extension(
            OID.subjectAltName,
            false,
            sequence(
              ...dnsNames.map((dns) => implicit(2, Buffer.from(dns, 'ascii'))),
              ...ips.map((ip) => implicit(7, ipBytes(ip))),
            ),
          ),
        );
      } else {
        if ((request.dnsNames?.length ?? 0) > 0 || (request.ips?.length ?? 0) > 0) {
          throw new BadInputError(
            'client certificate names',
            [...(request.dnsNames ?? []), ...(request.ips ?? [])].join(','),
            'none (client certificates carry no subject alternative names)',
          );
        }
        subject = 'secure-dind client';
        extensions.push(
          extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature])),
          extension(OID.extendedKeyUsage, false, sequence(objectIdentifier(OID.clientAuth))),
        );
      }
      const certPem = await certificate({
        issuer: name,
        subject: commonName(subject),
        notBefore: request.notBefore,
        notAfter: request.notAfter,
        publicKey: leafKeys.publicKey,
        signingKey: caPrivateKey,
        extensions,
      });
      return { certPem, keyPem: exportPkcs8(leafKeys.privateKey) };
    },
  };
}

interface CertificateFields {
  readonly issuer: Buffer;
  readonly subject: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: webcrypto.CryptoKey;
  readonly signingKey: webcrypto.CryptoKey;
  readonly extensions: readonly Buffer[];
}

/** An X.509 v3 certificate (RFC 5280), ECDSA-SHA256-signed, as PEM. */
async function certificate(fields: CertificateFields): Promise<string> {
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(randomSerial()),
    algorithm,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    Buffer.from(await subtle.exportKey('spki', fields.publicKey)),
    explicit(3, sequence(...fields.extensions)),
  );
  const signature = Buffer.from(await subtle.sign(SIGNING, fields.signingKey, tbs));
  const der = sequence(tbs, algorithm, bitString(ecdsaSignature(signature)));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

function commonName(text: string): Buffer {
  return sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(text))));
}

/** RFC 5280's method 1: SHA-1 of the subject public key (the EC point). */
async function keyIdentifier(publicKey: webcrypto.CryptoKey): Promise<Buffer> {
  return createHash('sha1')
    .update(Buffer.from(await subtle.exportKey('raw', publicKey)))
    .digest();
}

/** The 4 or 16 octets of a (normalized) IP address, as iPAddress SANs carry them. */
function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail] = ip.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const high = groups(head);
  const low = tail === undefined ? [] : groups(tail);
  const all = [...high, ...new Array<number>(8 - high.length - low.length).fill(0), ...low];
  const bytes = Buffer.alloc(16);
  all.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

/**
 * A CA, a server certificate for `serverDnsNames`/`serverIps` and a client certificate, all valid
 * from a minute before `now` until `now + validFor`. The CA key is not returned and is dropped.
 */
export async function makeSessionCerts(req: CertRequest): Promise<SessionCerts> {
  const ca = await makeCertAuthority({ now: req.now, validFor: req.validFor });
  return issueSessionCerts(ca, req);
}

/**
 * The server and client certificates of a session from its CA. Lets a caller make the CA (the slow
 * part: loading the X.509 library, generating keys) before it knows the daemon's addresses.
 */
export async function issueSessionCerts(
  ca: CertAuthority,
  req: Pick<CertRequest, 'serverDnsNames' | 'serverIps'>,
): Promise<SessionCerts> {
  const window = { notBefore: ca.notBefore, notAfter: ca.notAfter };
  const [server, client] = await Promise.all([
    ca.issue({ kind: 'server', dnsNames: req.serverDnsNames, ips: req.serverIps, ...window }),
    ca.issue({ kind: 'client', ...window }),
  ]);
  return { caCertPem: ca.certPem, server, client };
}

/**
 * Writes ca.pem, cert.pem, key.pem for the client into dir: dir created 0700 (or tightened if it
 * exists), key.pem 0600, the others 0644. Never writes the CA key anywhere (it has none to write).
 */
export async function writeClientCerts(dir: string, certs: SessionCerts): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await lstat(dir);
    if (!info.isDirectory()) throw new Error('not a directory (or a symbolic link)');
    await chmod(dir, 0o700);
    await writeFileWithMode(join(dir, 'ca.pem'), certs.caCertPem, 0o644);
    await writeFileWithMode(join(dir, 'cert.pem'), certs.client.certPem, 0o644);
    await writeFileWithMode(join(dir, 'key.pem'), certs.client.keyPem, 0o600);
  } catch (error) {
    throw new SystemError(`cannot write the client certificates to ${dir}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/** The server files as docker:dind expects under $DOCKER_TLS_CERTDIR/server. */
export function serverCertFiles(certs: SessionCerts): Record<'ca.pem' | 'cert.pem' | 'key.pem', string> {
  return { 'ca.pem': certs.caCertPem, 'cert.pem': certs.server.certPem, 'key.pem': certs.server.keyPem };
}

async function generateKeys(extractable: boolean): Promise<webcrypto.CryptoKeyPair> {
  return await subtle.generateKey(EC_KEY, extractable, ['sign', 'verify']);
}

/** PKCS#8 PEM ("BEGIN PRIVATE KEY"), which both node's tls and Go's tls.X509KeyPair (dockerd) load. */
function exportPkcs8(key: webcrypto.CryptoKey): string {
  return pem(KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** 128 random bits as a positive INTEGER with no leading zero octet (RFC 5280: ≤ 20 octets). */
function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes;
}

function checkValidity(validFor: number | undefined): number {
  const value = validFor ?? DEFAULT_VALIDITY_MS;
  if (!Number.isFinite(value) || value <= 0) {
    throw new BadInputError('certificate validity', String(value), 'a positive number of milliseconds');
  }
  return value;
}

const DNS_LABEL = /^(?:\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)$/i;

function checkDnsName(name: string): string {
  const labels = name.split('.');
  const ok =
    name.length > 0 &&
    name.length <= 253 &&
    isIP(name) === 0 &&
    labels.every((label, index) => DNS_LABEL.test(label) && (label !== '*' || index === 0));
  if (!ok) throw new BadInputError('server DNS name', name, 'a host name such as "docker" or "dind.example"');
  return name;
}

/** Canonical text form of an IP address the certificate encoder accepts (IPv4-in-IPv6 expanded). */
function normalizeIp(ip: string): string {
  const version = isIP(ip);
  if (version === 4)
    return ip
      .split('.')
      .map((part) => String(Number(part)))
      .join('.');
  if (version === 6 && !ip.includes('%')) {
    const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
    if (!dotted) return ip.toLowerCase();
    const octets = (dotted[2] ?? '').split('.').map(Number);
    const high = (((octets[0] ?? 0) << 8) | (octets[1] ?? 0)).toString(16);
    const low = (((octets[2] ?? 0) << 8) | (octets[3] ?? 0)).toString(16);
    return `${dotted[1] ?? ''}${high}:${low}`.toLowerCase();
  }
  throw new BadInputError('server IP address', ip, 'an IPv4 or IPv6 address without a zone');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function pem(text: string): string {
  const trimmed = text.replace(/\r\n/g, '\n').trim();
  return `${trimmed}\n`;
}

/** Creates or truncates `path` without following a symbolic link, setting `mode` before writing. */
async function writeFileWithMode(path: string, content: string, mode: number): Promise<void> {
  const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW;
  const handle = await open(path, flags, mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
