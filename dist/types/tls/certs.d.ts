import { type CertFileContents } from '../core/cert-files.js';
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
export declare const DEFAULT_VALIDITY_MS: number;
/** notBefore is set this far in the past so a peer whose clock lags a little still accepts. */
export declare const CLOCK_SKEW_MS: number;
/**
 * A new certificate authority valid from a minute before `now` for `validFor` ms. Its private key
 * is non-extractable and stays inside the returned object.
 */
export declare function makeCertAuthority(options?: {
    now?: Date;
    validFor?: number;
}): Promise<CertAuthority>;
/**
 * A CA, a server certificate for `serverDnsNames`/`serverIps` and a client certificate, all valid
 * from a minute before `now` until `now + validFor`. The CA key is not returned and is dropped.
 */
export declare function makeSessionCerts(req: CertRequest): Promise<SessionCerts>;
/**
 * The server and client certificates of a session from its CA. Lets a caller make the CA (the slow
 * part: loading the X.509 library, generating keys) before it knows the daemon's addresses.
 */
export declare function issueSessionCerts(ca: CertAuthority, req: Pick<CertRequest, 'serverDnsNames' | 'serverIps'>): Promise<SessionCerts>;
/** The server files as docker:dind expects under $DOCKER_TLS_CERTDIR/server. */
export declare function serverCertFiles(certs: SessionCerts): CertFileContents;
