/**
 * The names and modes of the three files of a certificate directory, as docker:dind and the docker
 * CLI expect them (DOCKER_CERT_PATH, $DOCKER_TLS_CERTDIR/server and /client). Only the private key
 * is secret.
 */
export declare const CERT_FILES: {
    readonly ca: "ca.pem";
    readonly cert: "cert.pem";
    readonly key: "key.pem";
};
export type CertFileName = (typeof CERT_FILES)[keyof typeof CERT_FILES];
/** Contents by file name. */
export type CertFileContents = Readonly<Record<CertFileName, string>>;
export declare function certFileMode(name: CertFileName): number;
