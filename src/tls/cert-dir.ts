/**
 * The one owner of a client certificate directory (what DOCKER_CERT_PATH points at): where its
 * files are, writing them with their modes (the directory 0700, the key 0600), reading them back,
 * and removing the key or the whole directory.
 */
import { constants as fsConstants } from 'node:fs';
import { chmod, lstat, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CERT_FILES, type CertFileName, certFileMode } from '../core/cert-files.js';
import { SystemError, describeError } from '../core/errors.js';
import type { TlsClientFiles } from '../ports.js';
import type { SessionCerts } from './certs.js';

/** Certificate directories this tool makes are named so; nothing else is ever removed. */
export const CERT_DIR_PREFIX = 'secure-dind-';

export function certDirFor(parent: string, sessionId: string): string {
  return join(parent, `${CERT_DIR_PREFIX}${sessionId}`);
}

/** Paths of the three files, for the docker CLI's --tlscacert/--tlscert/--tlskey and dockerd. */
export function certFilePaths(dir: string): { ca: string; cert: string; key: string } {
  return { ca: join(dir, CERT_FILES.ca), cert: join(dir, CERT_FILES.cert), key: join(dir, CERT_FILES.key) };
}

/**
 * Writes the client's ca.pem, cert.pem and key.pem into dir: dir created 0700 (or tightened if it
 * exists), the key 0600, the others 0644. The CA key is never written (there is none to write).
 */
export async function writeClientCerts(dir: string, certs: SessionCerts): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await lstat(dir);
    if (!info.isDirectory()) throw new Error('not a directory (or a symbolic link)');
    await chmod(dir, 0o700);
    await writeCertFile(dir, CERT_FILES.ca, certs.caCertPem);
    await writeCertFile(dir, CERT_FILES.cert, certs.client.certPem);
    await writeCertFile(dir, CERT_FILES.key, certs.client.keyPem);
  } catch (error) {
    throw new SystemError(`cannot write the client certificates to ${dir}: ${describeError(error)}`, {
      cause: error,
    });
  }
}

export async function readClientCerts(dir: string): Promise<TlsClientFiles> {
  const paths = certFilePaths(dir);
  const [ca, cert, key] = await Promise.all(
    [paths.ca, paths.cert, paths.key].map((path) => readFile(path, 'utf8')),
  );
  return { ca: ca!, cert: cert!, key: key! };
}

/** Removes the private key only (a pod's certificate volume outlives the daemon). */
export async function removeClientKey(dir: string): Promise<void> {
  await rm(certFilePaths(dir).key, { force: true });
}

/**
 * Removes a session's certificate directory. Only a directory this tool named is removed, whatever
 * a record or label says; false when the path is not one or was already gone.
 */
export async function removeCertDir(path: string): Promise<boolean> {
  if (!basename(path).startsWith(CERT_DIR_PREFIX)) return false;
  const existed = await stat(path).then(
    () => true,
    () => false,
  );
  await rm(path, { recursive: true, force: true });
  return existed;
}

/** Creates or truncates the file without following a symbolic link, its mode set before writing. */
async function writeCertFile(dir: string, name: CertFileName, content: string): Promise<void> {
  const mode = certFileMode(name);
  const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW;
  const handle = await open(join(dir, name), flags, mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
}
