import { type CertAuthority, type SessionCerts } from '../tls/certs.js';
export declare function issueCerts(authority: Promise<CertAuthority>, daemon: {
    readonly aliases: readonly string[];
    readonly ip: string | undefined;
}, certDir: string): Promise<SessionCerts>;
