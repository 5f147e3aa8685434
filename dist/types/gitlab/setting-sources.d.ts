export interface SettingSource {
    readonly value: string;
    readonly displayName: string;
}
/** The file's settings; `origin` says where its path came from (an option or a variable). */
export declare function settingsFromFile<Name extends string>(path: string, origin: string, names: readonly Name[]): Map<Name, SettingSource>;
/** The settings set (not blank) in the environment. */
export declare function settingsFromEnv<Name extends string>(env: NodeJS.ProcessEnv, names: readonly Name[]): Map<Name, SettingSource>;
