export interface OptionDeclaration {
    readonly type: 'string' | 'boolean';
}
export type OptionDeclarations = Readonly<Record<string, OptionDeclaration>>;
export type OptionValues<O extends OptionDeclarations> = {
    -readonly [K in keyof O]?: O[K]['type'] extends 'string' ? string : true;
};
export interface CommandLine<O extends OptionDeclarations> {
    readonly values: OptionValues<O>;
    readonly positionals: readonly string[];
    /** Arguments after "--", when the command takes them. */
    readonly rest: readonly string[];
}
export interface CommandLineForm {
    /** How many arguments besides the options the command takes. */
    readonly maxPositionals?: number;
    /** The accepted form named when there are more. */
    readonly positionalsForm?: string;
    /** Whether the arguments after "--" are the command's own (e.g. a program to run). */
    readonly takesRest?: boolean;
    /** Where the accepted options are described, named when an unknown one is given. */
    readonly help?: string;
}
export declare function parseCommandLine<const O extends OptionDeclarations>(args: readonly string[], options: O, form?: CommandLineForm): CommandLine<O>;
/** Options that each take a value, named by a list (e.g. the session settings). */
export declare function stringOptions<const N extends string>(names: readonly N[]): Record<N, {
    readonly type: 'string';
}>;
