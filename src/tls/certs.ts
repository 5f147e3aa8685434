/**
 * Per-session TLS material for the inner Docker daemon: a fresh certificate authority per session,
 * a server certificate for the daemon and a client certificate for the job, all ECDSA P-256 with
 * SHA-256 signatures, made in-process with WebCrypto and a small DER writer (der.ts).
 *
 * The CA private key is generated non-extractable: it lives only inside the CertAuthority object
 * (and WebCrypto), cannot be exported even by mistake, and is gone once that object is dropped.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { BadInputError } from '../core/errors.js';
import { CERT_FILES, type CertFileContents } from '../core/cert-files.js';
import {
  boolean,
  implicit,
  namedBits,
  objectIdentifier,
  octetString,
  sequence,
  smallInteger,
} from './der.js';
import {
  KEY_USAGE,
  OID,
  certificate,
  checkDnsName,
  commonName,
  exportPkcs8,
  extension,
  ipBytes,
  keyIdentifier,
  normalizeIp,
  unique,
} from './x509.js';

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

/** The server files as docker:dind expects under $DOCKER_TLS_CERTDIR/server. */
export function serverCertFiles(certs: SessionCerts): CertFileContents {
  return {
    [CERT_FILES.ca]: certs.caCertPem,
    [CERT_FILES.cert]: certs.server.certPem,
    [CERT_FILES.key]: certs.server.keyPem,
  };
}

async function generateKeys(extractable: boolean): Promise<webcrypto.CryptoKeyPair> {
  return await subtle.generateKey(EC_KEY, extractable, ['sign', 'verify']);
}

function checkValidity(validFor: number | undefined): number {
  const value = validFor ?? DEFAULT_VALIDITY_MS;
  if (!Number.isFinite(value) || value <= 0) {
    throw new BadInputError('certificate validity', String(value), 'a positive number of milliseconds');
  }
  return value;
}
