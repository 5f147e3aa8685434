import type { TlsClientFiles } from '../ports.js';
import type { SessionCerts } from './certs.js';
/** Certificate directories this tool makes are named so; nothing else is ever removed. */
export declare const CERT_DIR_PREFIX = "secure-dind-";
export declare function certDirFor(parent: string, sessionId: string): string;
/** Paths of the three files, for the docker CLI's --tlscacert/--tlscert/--tlskey and dockerd. */
export declare function certFilePaths(dir: string): {
    ca: string;
    cert: string;
    key: string;
};
/**
 * Writes the client's ca.pem, cert.pem and key.pem into dir: dir created 0700 (or tightened if it
 * exists), the key 0600, the others 0644. The CA key is never written (there is none to write).
 */
export declare function writeClientCerts(dir: string, certs: SessionCerts): Promise<void>;
export declare function readClientCerts(dir: string): Promise<TlsClientFiles>;
/** Removes the private key only (a pod's certificate volume outlives the daemon). */
export declare function removeClientKey(dir: string): Promise<void>;
/**
 * Removes a session's certificate directory. Only a directory this tool named is removed, whatever
 * a record or label says; false when the path is not one or was already gone.
 */
export declare function removeCertDir(path: string): Promise<boolean>;
