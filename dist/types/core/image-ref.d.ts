/** Docker image reference grammar (distribution/reference), checked without a registry. */
export declare const IMAGE_FORM = "an image reference such as docker:27.5.1-dind or registry.example.com/team/dind:1.0";
export interface ImageRef {
    /** Registry host, when one is named. */
    readonly domain: string | undefined;
    /** Repository path without the registry. */
    readonly path: string;
    readonly tag: string | undefined;
    readonly digest: string | undefined;
}
export declare function parseImageRef(text: string): ImageRef | undefined;
/** The repository's last path component ("docker" for "docker:dind" and "library/docker:dind"). */
export declare function imageBaseName(ref: ImageRef): string;
