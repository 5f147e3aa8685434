/**
 * The certificates step: the session's server certificate names every way a client reaches the
 * daemon (its aliases and address), and the client side is written where DOCKER_CERT_PATH points.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeClientCerts } from '../tls/cert-dir.js';
import { type CertAuthority, type SessionCerts, issueSessionCerts } from '../tls/certs.js';

export async function issueCerts(
  authority: Promise<CertAuthority>,
  daemon: { readonly aliases: readonly string[]; readonly ip: string | undefined },
  certDir: string,
): Promise<SessionCerts> {
  const certs = await issueSessionCerts(await authority, {
    serverDnsNames: [...new Set([...daemon.aliases, 'localhost'])],
    serverIps: daemon.ip ? [daemon.ip, '127.0.0.1'] : ['127.0.0.1'],
  });
  await mkdir(dirname(certDir), { recursive: true });
  await writeClientCerts(certDir, certs);
  return certs;
}
