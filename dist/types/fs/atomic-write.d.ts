export interface AtomicWriteOptions {
    /** Permissions of a newly created file (the process umask applies). */
    readonly mode?: number;
}
export declare function writeFileAtomic(path: string, content: string, options?: AtomicWriteOptions): Promise<void>;
