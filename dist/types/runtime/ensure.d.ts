import type { Logger } from '../ports.js';
import { type RuntimeEdges } from './host.js';
export interface EnsureRuntimeOptions {
    readonly runtime?: string;
    /** The engine sessions will run on (default: the local socket). */
    readonly engineHost?: string;
    /** 'auto': install Sysbox when it is missing or too old (needs root); 'never': only detect. */
    readonly install: 'auto' | 'never';
    readonly version?: string;
    readonly url?: string;
    readonly sha256?: string;
    readonly smokeImage?: string;
    readonly isRoot?: boolean;
    readonly edges?: Partial<RuntimeEdges>;
    readonly log?: Logger;
}
export interface RuntimeStatus {
    readonly runtime: string;
    /** The Sysbox version in use; undefined when the registered runtime is not Sysbox. */
    readonly sysboxVersion: string | undefined;
    /** Said when the runtime is usable but is not what the name promises (e.g. not Sysbox). */
    readonly warning?: string;
    /** True when this call installed or upgraded Sysbox. */
    readonly installed: boolean;
}
export declare function ensureRuntime(options: EnsureRuntimeOptions): Promise<RuntimeStatus>;
