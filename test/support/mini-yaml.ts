/**
 * A small YAML reader for the files tests check (action.yml, workflow files): block mappings and
 * sequences, flow sequences of scalars, quoted and plain scalars, `|` and `>` block scalars, comments.
 * Scalars stay strings. Anything else (anchors, tags, multi-line flow collections, documents) throws,
 * so a file outgrowing the reader fails the test loudly instead of being misread.
 */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly number: number;
  indent: number;
  text: string;
}

export function parseYaml(source: string): YamlValue {
  const raw = source.replace(/\r\n/g, '\n').split('\n');
  const reader = new Reader(raw);
  const value = reader.block(0);
  const rest = reader.peek();
  if (rest) throw new Error(`line ${rest.number}: unexpected indentation or content: ${rest.text}`);
  return value;
}

class Reader {
  private index = 0;
  private pending: Line | undefined;

  constructor(private readonly raw: readonly string[]) {}

  /** The next meaningful line (not blank, not a comment), without consuming it. */
  peek(): Line | undefined {
    if (this.pending) return this.pending;
    while (this.index < this.raw.length) {
      const text = this.raw[this.index]!;
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.startsWith('#')) {
        this.index += 1;
        continue;
      }
      if (/^\t/.test(text)) throw new Error(`line ${this.index + 1}: tab indentation`);
      if (trimmed === '---' || trimmed.startsWith('&') || trimmed.startsWith('!')) {
        throw new Error(`line ${this.index + 1}: unsupported YAML: ${trimmed}`);
      }
      this.pending = {
        number: this.index + 1,
        indent: text.length - text.trimStart().length,
        text: stripComment(trimmed),
      };
      return this.pending;
    }
    return undefined;
  }

  private take(): Line {
    const line = this.peek()!;
    this.pending = undefined;
    this.index += 1;
    return line;
  }

  block(indent: number): YamlValue {
    const line = this.peek();
    if (!line || line.indent < indent) return null;
    return isSequenceItem(line.text) ? this.sequence(line.indent) : this.mapping(line.indent);
  }

  private mapping(indent: number): YamlValue {
    const out: Record<string, YamlValue> = {};
    for (
      let line = this.peek();
      line && line.indent === indent && !isSequenceItem(line.text);
      line = this.peek()
    ) {
      this.take();
      const { key, rest } = splitKey(line);
      if (key in out) throw new Error(`line ${line.number}: duplicate key ${key}`);
      out[key] = this.valueAfter(rest, indent, line.number, true);
    }
    return out;
  }

  private sequence(indent: number): YamlValue {
    const out: YamlValue[] = [];
    for (
      let line = this.peek();
      line && line.indent === indent && isSequenceItem(line.text);
      line = this.peek()
    ) {
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        this.take();
        out.push(this.block(indent + 1));
      } else if (looksLikeKey(rest)) {
        // "- key: value": a mapping whose first entry sits on the dash's line.
        line.indent = indent + (line.text.length - rest.length);
        line.text = rest;
        out.push(this.mapping(line.indent));
      } else {
        this.take();
        out.push(this.valueAfter(rest, indent, line.number, false));
      }
    }
    return out;
  }

  private valueAfter(rest: string, indent: number, number: number, inMapping: boolean): YamlValue {
    if (rest === '') {
      const next = this.peek();
      if (next && next.indent > indent) return this.block(next.indent);
      // A mapping's value may be a sequence at the key's own indentation.
      if (inMapping && next && next.indent === indent && isSequenceItem(next.text))
        return this.sequence(indent);
      return null;
    }
    if (/^[|>][+-]?$/.test(rest)) return this.blockScalar(indent, rest);
    return scalarOrFlow(rest, number);
  }

  private blockScalar(indent: number, header: string): string {
    this.pending = undefined;
    const lines: string[] = [];
    let contentIndent: number | undefined;
    while (this.index < this.raw.length) {
      const text = this.raw[this.index]!;
      if (text.trim() === '') {
        lines.push('');
        this.index += 1;
        continue;
      }
      const lineIndent = text.length - text.trimStart().length;
      if (lineIndent <= indent) break;
      contentIndent ??= lineIndent;
      if (lineIndent < contentIndent) break;
      lines.push(text.slice(contentIndent));
      this.index += 1;
    }
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    const body = header.startsWith('>') ? lines.join(' ') : lines.join('\n');
    return header.endsWith('-') ? body : `${body}\n`;
  }
}

function isSequenceItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function looksLikeKey(text: string): boolean {
  try {
    splitKey({ number: 0, indent: 0, text });
    return !/^["'[{]/.test(text) || /^(["']).*?\1\s*:/.test(text);
  } catch {
    return false;
  }
}

function splitKey(line: Line): { key: string; rest: string } {
  const text = line.text;
  let keyEnd: number;
  let key: string;
  if (text.startsWith('"') || text.startsWith("'")) {
    const close = closingQuote(text, 0);
    key = unquote(text.slice(0, close + 1), line.number);
    keyEnd = close + 1;
    if (text[keyEnd] !== ':') throw new Error(`line ${line.number}: expected ':' after key`);
  } else {
    const match = /:(\s|$)/.exec(text);
    if (!match) throw new Error(`line ${line.number}: expected "key: value": ${text}`);
    keyEnd = match.index;
    key = text.slice(0, keyEnd).trim();
  }
  return { key, rest: text.slice(keyEnd + 1).trim() };
}

function scalarOrFlow(text: string, number: number): YamlValue {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`line ${number}: multi-line flow sequences are not supported`);
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : splitFlow(inner, number).map((item) => scalar(item, number));
  }
  if (text.startsWith('{')) {
    if (text.replace(/\s/g, '') === '{}') return {};
    throw new Error(`line ${number}: flow mappings are not supported`);
  }
  return scalar(text, number);
}

function scalar(text: string, number: number): string | null {
  if (text.startsWith('"') || text.startsWith("'")) {
    if (closingQuote(text, 0) !== text.length - 1)
      throw new Error(`line ${number}: text after a quoted scalar`);
    return unquote(text, number);
  }
  if (text.startsWith('&') || text.startsWith('*') || text.startsWith('!')) {
    throw new Error(`line ${number}: anchors, aliases and tags are not supported`);
  }
  return text === '~' || text === 'null' ? null : text;
}

function splitFlow(text: string, number: number): string[] {
  const items: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"' || c === "'") i = closingQuote(text, i);
    else if (c === '[' || c === '{')
      throw new Error(`line ${number}: nested flow collections are not supported`);
    else if (c === ',') {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(text.slice(start).trim());
  return items;
}

function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i += 1) {
    if (quote === '"' && text[i] === '\\') i += 1;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i += 1;
      else return i;
    }
  }
  throw new Error(`unterminated quoted scalar: ${text}`);
}

function unquote(text: string, number: number): string {
  const body = text.slice(1, -1);
  if (text.startsWith("'")) return body.replace(/''/g, "'");
  return body.replace(/\\(.)/g, (_, c: string) => {
    const escapes: Record<string, string> = {
      n: '\n',
      t: '\t',
      '"': '"',
      '\\': '\\',
      '/': '/',
      r: '\r',
      '0': '\0',
    };
    const value = escapes[c];
    if (value === undefined) throw new Error(`line ${number}: unsupported escape \\${c}`);
    return value;
  });
}

/** Removes a trailing comment (" #" outside quotes). */
function stripComment(text: string): string {
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if ((c === '"' || c === "'") && (i === 0 || /[\s:[,-]/.test(text[i - 1]!))) {
      try {
        i = closingQuote(text, i);
      } catch {
        return text;
      }
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text;
}
