/**
 * A small YAML emitter for the manifests `secure-dind k8s render` prints: block mappings and
 * sequences of plain data. Strings are emitted plain only when YAML 1.1 and 1.2 readers both take
 * them back as the same string (so "yes", "1.0" or "on" are quoted); everything else is JSON-quoted,
 * which YAML reads as a double-quoted scalar. Multi-line strings become `|` block scalars.
 */
export type YamlData =
  string | number | boolean | null | readonly YamlData[] | { readonly [key: string]: YamlData };

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const AMBIGUOUS = /^(y|yes|n|no|true|false|on|off|null|~)$/i;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  return PLAIN.test(value) && !AMBIGUOUS.test(value) ? value : JSON.stringify(value);
}

function isCollection(value: YamlData): value is readonly YamlData[] | { readonly [key: string]: YamlData } {
  return value !== null && typeof value === 'object';
}

function isEmpty(value: YamlData): boolean {
  return isCollection(value) && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
}

function blockScalar(text: string, indent: string): string {
  const chomp = text.endsWith('\n') ? '' : '-';
  const body = text.replace(/\n$/, '').split('\n');
  return `|${chomp}\n${body.map((line) => (line === '' ? '' : `${indent}${line}`)).join('\n')}`;
}

/** The value after "key:" or "- ": inline for scalars and empty collections, else a nested block. */
function after(value: YamlData, indent: string, inSequence: boolean): string {
  if (isEmpty(value)) return ` ${Array.isArray(value) ? '[]' : '{}'}`;
  if (!isCollection(value)) {
    if (typeof value === 'string' && value.includes('\n')) return ` ${blockScalar(value, `${indent}  `)}`;
    return ` ${scalar(value)}`;
  }
  if (inSequence && !Array.isArray(value)) {
    // "- key: value" with the mapping's other keys aligned under the first.
    const lines = block(value, `${indent}  `).split('\n');
    return ` ${lines[0]!.trimStart()}${lines.length > 1 ? `\n${lines.slice(1).join('\n')}` : ''}`;
  }
  return `\n${block(value, `${indent}  `)}`;
}

function block(value: YamlData, indent: string): string {
  if (Array.isArray(value)) {
    return value.map((item: YamlData) => `${indent}-${after(item, indent, true)}`).join('\n');
  }
  return Object.entries(value as { [key: string]: YamlData })
    .map(([key, item]) => `${indent}${scalar(key)}:${after(item, indent, false)}`)
    .join('\n');
}

/** One YAML document; `comment` lines go on top as `# ...`. */
export function toYaml(
  document: YamlData | Readonly<Record<string, unknown>>,
  comment: readonly string[] = [],
): string {
  const value = document as YamlData;
  const header = comment.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
  const body = isCollection(value) && !isEmpty(value) ? block(value, '') : scalar(value as string);
  return `${header === '' ? '' : `${header}\n`}${body}\n`;
}

/** Several documents separated by `---`. */
export function toYamlDocuments(values: readonly Readonly<Record<string, unknown>>[]): string {
  return values.map((value) => toYaml(value)).join('---\n');
}
