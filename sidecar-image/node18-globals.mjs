// Debian 12 ships Node.js 18; the bundle targets Node 20, whose only global it misses is File
// (undici uses it). Node 18 has the same class in node:buffer.
import { File } from 'node:buffer';

globalThis.File ??= File;
