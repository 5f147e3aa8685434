/** A minimal ustar writer for putting a few small files into a container (PUT /archive). Pure. */

export interface TarEntry {
  /** Path relative to the extraction directory, e.g. "certs/server/key.pem"; directories end in "/". */
  readonly path: string;
  /** File content; absent for a directory. */
  readonly content?: string | Buffer;
  /** Applied on extraction, also to existing directories: give parents their usual mode. */
  readonly mode: number;
}

const BLOCK = 512;

function header(name: string, size: number, mode: number, type: '0' | '5', mtime: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar path too long: ${name}`);
  const block = Buffer.alloc(BLOCK);
  const field = (value: string, offset: number, length: number) =>
    block.write(value, offset, length, 'ascii');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  block.write(name, 0, 100, 'utf8');
  field(octal(mode, 8), 100, 8);
  field(octal(0, 8), 108, 8); // uid: root
  field(octal(0, 8), 116, 8); // gid: root
  field(octal(size, 12), 124, 12);
  field(octal(mtime, 12), 136, 12);
  field('        ', 148, 8); // checksum placeholder
  field(type, 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  let sum = 0;
  for (const byte of block) sum += byte;
  field(`${octal(sum, 7)}\0`, 148, 8);
  return block;
}

/** A tar archive of the entries, in the order given (list a directory before its files). */
export function makeTar(entries: readonly TarEntry[], mtime = Math.floor(Date.now() / 1000)): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.content === undefined) {
      parts.push(header(entry.path.endsWith('/') ? entry.path : `${entry.path}/`, 0, entry.mode, '5', mtime));
      continue;
    }
    const content = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content);
    parts.push(header(entry.path, content.length, entry.mode, '0', mtime), content);
    const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (padding) parts.push(Buffer.alloc(padding));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
