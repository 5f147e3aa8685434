/** A minimal ustar writer for putting a few small files into a container (PUT /archive). Pure. */
export interface TarEntry {
    /** Path relative to the extraction directory, e.g. "certs/server/key.pem"; directories end in "/". */
    readonly path: string;
    /** File content; absent for a directory. */
    readonly content?: string | Buffer;
    /** Applied on extraction, also to existing directories: give parents their usual mode. */
    readonly mode: number;
}
/** A tar archive of the entries, in the order given (list a directory before its files). */
export declare function makeTar(entries: readonly TarEntry[], mtime?: number): Buffer;
