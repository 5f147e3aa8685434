/**
 * The X.509 side of the session certificates: names and extensions encoded with the DER writer
 * (der.ts), certificates signed with WebCrypto (ECDSA P-256, SHA-256), keys exported as PKCS#8.
 */
import { KeyObject, createHash, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { BadInputError } from '../core/errors.js';
import {
  bitString,
  boolean,
  ecdsaSignature,
  explicit,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';

const subtle = webcrypto.subtle;
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export const OID = {
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
export const KEY_USAGE = { digitalSignature: 0, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

export interface CertificateFields {
  readonly issuer: Buffer;
  readonly subject: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: webcrypto.CryptoKey;
  readonly signingKey: webcrypto.CryptoKey;
  readonly extensions: readonly Buffer[];
}

/** An X.509 v3 certificate (RFC 5280), ECDSA-SHA256-signed, as PEM. */
export async function certificate(fields: CertificateFields): Promise<string> {
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

export function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

export function commonName(text: string): Buffer {
  return sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(text))));
}

/** RFC 5280's method 1: SHA-1 of the subject public key (the EC point). */
export async function keyIdentifier(publicKey: webcrypto.CryptoKey): Promise<Buffer> {
  return createHash('sha1')
    .update(Buffer.from(await subtle.exportKey('raw', publicKey)))
    .digest();
}

/** The 4 or 16 octets of a (normalized) IP address, as iPAddress SANs carry them. */
export function ipBytes(ip: string): Buffer {
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

/** PKCS#8 PEM ("BEGIN PRIVATE KEY"), which both node's tls and Go's tls.X509KeyPair (dockerd) load. */
export function exportPkcs8(key: webcrypto.CryptoKey): string {
  return pem(KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** 128 random bits as a positive INTEGER with no leading zero octet (RFC 5280: ≤ 20 octets). */
function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes;
}

const DNS_LABEL = /^(?:\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)$/i;

export function checkDnsName(name: string): string {
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
export function normalizeIp(ip: string): string {
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

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function pem(text: string): string {
  const trimmed = text.replace(/\r\n/g, '\n').trim();
  return `${trimmed}\n`;
}
