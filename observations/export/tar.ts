/** A minimal POSIX ustar writer (IEEE Std 1003.1 pax "ustar" format), enough for a SigMF archive. */
import { check } from '../errors.ts';
import type { FileSink } from './sink.ts';

function octal(value: number, width: number): string {
  // width − 1 octal digits and a NUL.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** The 512-byte header of a regular file `name` of `size` bytes. */
export function ustarHeader(name: string, size: number, mtime: number): Buffer {
  check(Buffer.byteLength(name) <= 100 && /^[\x20-\x7e]+$/.test(name), `tar member name too long or not ASCII: ${name}`);
  const h = Buffer.alloc(512);
  h.write(name, 0, 'ascii');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime), 12), 136, 'ascii');
  h.fill(0x20, 148, 156); // checksum computed with its own field as spaces
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** Appends a member from bytes in memory. */
export function tarBytes(sink: FileSink, name: string, data: Uint8Array, mtime: number): void {
  sink.write(ustarHeader(name, data.length, mtime));
  sink.write(data);
  padTo512(sink, data.length);
}

/** Appends a member copied from a file in chunks; `onBytes` reports progress (bytes). */
export function tarFile(sink: FileSink, name: string, path: string, size: number, mtime: number, onBytes?: (n: number) => void): void {
  sink.write(ustarHeader(name, size, mtime));
  sink.copyFrom(path, size, onBytes);
  padTo512(sink, size);
}

/** Two zero blocks end an archive. */
export function tarEnd(sink: FileSink): void {
  sink.write(Buffer.alloc(1024));
}

function padTo512(sink: FileSink, size: number): void {
  const rem = size % 512;
  if (rem) sink.write(Buffer.alloc(512 - rem));
}
