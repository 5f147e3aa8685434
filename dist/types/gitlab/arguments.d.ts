export declare const DRIVER_USAGE: string;
export interface DriverArgs {
    readonly stage: string | undefined;
    /** What follows the stage: the run stage's SCRIPT and STAGE. */
    readonly operands: readonly string[];
    readonly configPath: string | undefined;
}
/** Throws BadInputError when --config has no value. */
export declare function parseDriverArgs(args: readonly string[]): DriverArgs;
