/** Parsers for the plain values settings are written in: booleans, sizes, durations, integers. */
export declare const SIZE_FORM = "a size such as 512m, 10GB or 20GiB";
export declare const DURATION_FORM = "a duration such as 90, 90s, 5m or 6h";
export declare const BOOLEAN_FORM = "true or false";
/** Bytes, or undefined when the text is not a size. */
export declare function parseSize(text: string): number | undefined;
/** Seconds, or undefined when the text is not a duration. */
export declare function parseDuration(text: string): number | undefined;
export declare function parseBoolean(text: string): boolean | undefined;
/** A whole decimal number, or undefined. */
export declare function parseWholeNumber(text: string): number | undefined;
export declare function formatBytes(bytes: number): string;
