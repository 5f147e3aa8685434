/**
 * A small YAML emitter for the manifests `secure-dind k8s render` prints: block mappings and
 * sequences of plain data. Strings are emitted plain only when YAML 1.1 and 1.2 readers both take
 * them back as the same string (so "yes", "1.0" or "on" are quoted); everything else is JSON-quoted,
 * which YAML reads as a double-quoted scalar. Multi-line strings become `|` block scalars.
 */
export type YamlData = string | number | boolean | null | readonly YamlData[] | {
    readonly [key: string]: YamlData;
};
/** One YAML document; `comment` lines go on top as `# ...`. */
export declare function toYaml(document: YamlData | Readonly<Record<string, unknown>>, comment?: readonly string[]): string;
/** Several documents separated by `---`. */
export declare function toYamlDocuments(values: readonly Readonly<Record<string, unknown>>[]): string;
