/** The one logger shape every layer takes (a face decides where the lines go). */
export interface Logger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
}
/** For callers that want no lines. */
export declare const SILENT_LOGGER: Logger;
