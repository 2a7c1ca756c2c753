/**
 * A buffered, synchronous file writer that counts bytes and hashes (SHA-256)
 * as it writes. It writes under a temporary name beside the output
 * (`PATH.PID.partial`) and renames it to PATH only when complete, so a
 * killed or failed export never leaves a partial file at PATH; the store
 * removes the partial files of dead exporters in its exports/ on open.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ObservationError, check } from '../errors.ts';

/**
 * Reads the first `size` bytes of the file at `path` in 1 MiB chunks (each
 * valid only during the call), so big recordings never sit in memory whole.
 * A file shorter than `size` is an error: its metadata no longer matches it.
 */
export function forEachChunk(path: string, size: number, each: (chunk: Buffer) => void, onBytes?: (n: number) => void): void {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - done), done);
      check(n > 0, `${path} ended before its recorded size`);
      each(chunk.subarray(0, n));
      done += n;
      onBytes?.(done);
    }
  } finally {
    closeSync(fd);
  }
}

export class FileSink {
  private readonly hash: Hash = createHash('sha256');
  private readonly buf = Buffer.alloc(1 << 16);
  private used = 0;
  private closed = false;
  /** Bytes written so far. */
  bytes = 0;

  private constructor(private readonly fd: number, readonly path: string, private readonly temp: string) {}

  static create(path: string): FileSink {
    const temp = partialName(path);
    try {
      return new FileSink(openSync(temp, 'w'), path, temp);
    } catch (err) {
      throw new ObservationError('io', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Copies the first `size` bytes of the file at `path`; `onBytes` reports progress (bytes). */
  copyFrom(path: string, size: number, onBytes?: (n: number) => void): void {
    forEachChunk(path, size, (chunk) => this.write(chunk), onBytes);
  }

  write(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.hash.update(bytes);
    this.bytes += bytes.length;
    if (bytes.length > this.buf.length - this.used) {
      this.flush();
      if (bytes.length > this.buf.length) {
        this.writeAll(bytes);
        return;
      }
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Flushes, syncs, closes and renames the file to its path; returns the size (bytes) and SHA-256 (hex). */
  close(): { bytes: number; sha256: string } {
    try {
      this.flush();
      fsyncSync(this.fd);
    } catch (err) {
      this.abort();
      throw err instanceof ObservationError ? err : new ObservationError('io', `writing ${this.path} failed: ${(err as Error).message}`, { cause: err });
    }
    this.closed = true;
    closeSync(this.fd);
    try {
      renameSync(this.temp, this.path);
    } catch (err) {
      rmSync(this.temp, { force: true });
      throw new ObservationError('io', `cannot write ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Closes without finishing (after an error) and removes the partial file. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    try { closeSync(this.fd); } catch { /* already closed */ }
    rmSync(this.temp, { force: true });
  }

  private flush(): void {
    if (this.used) this.writeAll(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private writeAll(bytes: Uint8Array): void {
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (err) {
      throw new ObservationError('io', `writing ${this.path} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** The temporary name an export is written under until complete: `PATH.PID.partial`. */
export function partialName(path: string, pid: number = process.pid): string {
  return `${path}.${pid}.partial`;
}

/** Matches a partial export's file name and gives the pid of its writer. */
export const partialPattern = /\.(\d+)\.partial$/;

/** Writes `data` to `path` whole or not at all (temporary file, fsync, rename). */
export function writeFileAtomic(path: string, data: Uint8Array): void {
  const sink = FileSink.create(path);
  try {
    sink.write(data);
  } catch (err) {
    sink.abort();
    throw err;
  }
  sink.close();
}
