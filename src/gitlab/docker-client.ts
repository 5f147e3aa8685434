/**
 * The job container's side of its DinD session, as docker:dind jobs expect it: DOCKER_* variables
 * naming the service alias on the daemon's TLS port, and the session's client certificates under
 * $DOCKER_TLS_CERTDIR/client.
 */
import { CERT_FILES } from '../core/cert-files.js';
import { makeTar } from '../core/tar.js';
import { CERT_DIR_IN_CONTAINER, DAEMON_TLS_PORT } from '../core/spec.js';
import type { Logger } from '../ports.js';
import { readClientCerts } from '../tls/cert-dir.js';
import type { JobContext } from './job.js';

/** Client environment of the job container for the DinD service reachable as `alias`. */
export function dockerClientEnv(alias: string, tlsCertDir: string): Record<string, string> {
  return {
    DOCKER_HOST: `tcp://${alias}:${DAEMON_TLS_PORT}`,
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: `${tlsCertDir}/client`,
    DOCKER_TLS_CERTDIR: tlsCertDir,
  };
}

/** The session's client certificates at $DOCKER_TLS_CERTDIR/client (readable by the job's user). */
export async function clientCertsTar(certDir: string, tlsCertDir: string): Promise<Buffer> {
  const files = await readClientCerts(certDir);
  const base = tlsCertDir.replace(/^\/+/, '');
  const parents = base
    .split('/')
    .map((_, i, parts) => ({ path: `${parts.slice(0, i + 1).join('/')}/`, mode: 0o755 }));
  return makeTar([
    ...parents,
    { path: `${base}/client/`, mode: 0o755 },
    { path: `${base}/client/${CERT_FILES.ca}`, mode: 0o644, content: files.ca },
    { path: `${base}/client/${CERT_FILES.cert}`, mode: 0o644, content: files.cert },
    // The job container is the job's alone; images that run as a non-root user must read the key.
    { path: `${base}/client/${CERT_FILES.key}`, mode: 0o644, content: files.key },
  ]);
}

const SESSION_DOCKER_HOST = new RegExp(`^tcp://[^:]+:${DAEMON_TLS_PORT}/?$`);

/** Client settings of the job that the session overrides (it serves only mutual TLS). */
export function warnAboutClientVariables(context: JobContext, log: Logger): void {
  const host = context.variables.DOCKER_HOST;
  if (host !== undefined && host !== '' && !SESSION_DOCKER_HOST.test(host)) {
    log.warn(
      `the job sets DOCKER_HOST=${host}; secure DinD serves only mutual TLS on port ${DAEMON_TLS_PORT}`,
    );
  }
  if (context.variables.DOCKER_TLS_CERTDIR === '') {
    log.warn(
      `the job sets DOCKER_TLS_CERTDIR to empty; TLS is always on, client certificates are in ${CERT_DIR_IN_CONTAINER}/client`,
    );
  }
}
