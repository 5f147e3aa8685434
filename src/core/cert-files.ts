/**
 * The names and modes of the three files of a certificate directory, as docker:dind and the docker
 * CLI expect them (DOCKER_CERT_PATH, $DOCKER_TLS_CERTDIR/server and /client). Only the private key
 * is secret.
 */
export const CERT_FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } as const;

export type CertFileName = (typeof CERT_FILES)[keyof typeof CERT_FILES];

/** Contents by file name. */
export type CertFileContents = Readonly<Record<CertFileName, string>>;

export function certFileMode(name: CertFileName): number {
  return name === CERT_FILES.key ? 0o600 : 0o644;
}
