/**
 * The X.509 side of the session certificates: names and extensions encoded with the DER writer
 * (der.ts), certificates signed with WebCrypto (ECDSA P-256, SHA-256), keys exported as PKCS#8.
 */
import { webcrypto } from 'node:crypto';
export declare const OID: {
    readonly ecdsaWithSha256: "1.2.840.10045.4.3.2";
    readonly commonName: "2.5.4.3";
    readonly subjectKeyIdentifier: "2.5.29.14";
    readonly keyUsage: "2.5.29.15";
    readonly subjectAltName: "2.5.29.17";
    readonly basicConstraints: "2.5.29.19";
    readonly authorityKeyIdentifier: "2.5.29.35";
    readonly extendedKeyUsage: "2.5.29.37";
    readonly serverAuth: "1.3.6.1.5.5.7.3.1";
    readonly clientAuth: "1.3.6.1.5.5.7.3.2";
};
/** KeyUsage bit numbers (RFC 5280, 4.2.1.3). */
export declare const KEY_USAGE: {
    readonly digitalSignature: 0;
    readonly keyAgreement: 4;
    readonly keyCertSign: 5;
    readonly cRLSign: 6;
};
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
export declare function certificate(fields: CertificateFields): Promise<string>;
export declare function extension(oid: string, critical: boolean, value: Buffer): Buffer;
export declare function commonName(text: string): Buffer;
/** RFC 5280's method 1: SHA-1 of the subject public key (the EC point). */
export declare function keyIdentifier(publicKey: webcrypto.CryptoKey): Promise<Buffer>;
/** The 4 or 16 octets of a (normalized) IP address, as iPAddress SANs carry them. */
export declare function ipBytes(ip: string): Buffer;
/** PKCS#8 PEM ("BEGIN PRIVATE KEY"), which both node's tls and Go's tls.X509KeyPair (dockerd) load. */
export declare function exportPkcs8(key: webcrypto.CryptoKey): string;
export declare function checkDnsName(name: string): string;
/** Canonical text form of an IP address the certificate encoder accepts (IPv4-in-IPv6 expanded). */
export declare function normalizeIp(ip: string): string;
export declare function unique(values: readonly string[]): string[];
