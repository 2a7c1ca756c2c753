/**
 * A streaming FITS writer (FITS Standard 4.0): 80-character header cards,
 * 2880-byte blocks, big-endian data padded with zeros. Data are appended
 * in pieces, so an exporter never holds a whole image in memory; the file's
 * SHA-256 is computed as it is written.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { ObservationError, check } from '../errors.ts';

export const fitsBlock = 2880;

/** A header value: a string, a logical, an integer (`{ int }`) or a real (a plain number). */
export type CardValue = string | boolean | number | { int: number };

function formatValue(v: CardValue): { text: string; fixed: boolean } {
  if (typeof v === 'string') {
    check(/^[\x20-\x7e]*$/.test(v), `FITS strings are printable ASCII: ${JSON.stringify(v)}`);
    const body = v.replace(/'/g, "''").padEnd(8, ' ');
    check(body.length <= 68, `FITS string too long: ${v}`);
    return { text: `'${body}'`, fixed: false };
  }
  if (typeof v === 'boolean') return { text: v ? 'T' : 'F', fixed: true };
  if (typeof v === 'number') {
    check(Number.isFinite(v), 'FITS reals must be finite');
    // Shortest text that reads back as the same double, always with a '.' or exponent so it reads as a real.
    let t = Number.isInteger(v) && Math.abs(v) < 1e15 ? `${v}.0` : String(v).toUpperCase();
    if (!/[.E]/.test(t)) t += '.0';
    return { text: t, fixed: true };
  }
  check(Number.isSafeInteger(v.int), `FITS integer out of range: ${v.int}`);
  return { text: String(v.int), fixed: true };
}

/** One 80-character card `KEYWORD = value / comment`. */
export function card(key: string, value: CardValue, comment?: string): string {
  check(/^[A-Z0-9_-]{1,8}$/.test(key), `FITS keyword '${key}' must be 1–8 of A–Z 0–9 _ -`);
  const { text, fixed } = formatValue(value);
  // Fixed format: numbers and logicals right-justified to column 30; strings from column 11.
  let s = `${key.padEnd(8)}= ${fixed && text.length <= 20 ? text.padStart(20) : text}`;
  if (comment) s += ` / ${comment}`;
  check(/^[\x20-\x7e]*$/.test(s), `FITS cards are printable ASCII: ${s}`);
  return s.length > 80 ? s.slice(0, 80) : s.padEnd(80);
}

/** A COMMENT or HISTORY card (long text is split over several cards). */
export function commentary(key: 'COMMENT' | 'HISTORY', text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(1, text.length); i += 72) out.push(`${key.padEnd(8)}${text.slice(i, i + 72)}`.padEnd(80));
  return out;
}

/** Writes a FITS file HDU by HDU. */
export class FitsWriter {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private buf = Buffer.alloc(1 << 16);
  private used = 0;
  private dataBytes = 0;
  private inData = false;
  /** Bytes written so far. */
  bytes = 0;

  private constructor(fd: number, readonly path: string) {
    this.fd = fd;
  }

  static create(path: string): FitsWriter {
    try {
      return new FitsWriter(openSync(path, 'w'), path);
    } catch (err) {
      throw new ObservationError('io', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Writes a header: the cards, END, and spaces to the block's end. Closes the previous HDU's data. */
  header(cards: readonly string[]): void {
    this.endData();
    const text = [...cards, 'END'.padEnd(80)].join('');
    check(text.length % 80 === 0, 'every FITS card is 80 characters');
    const padded = text.padEnd(Math.ceil(text.length / fitsBlock) * fitsBlock, ' ');
    this.raw(Buffer.from(padded, 'ascii'));
    this.inData = true;
    this.dataBytes = 0;
  }

  /** Appends data bytes to the current HDU. */
  data(bytes: Uint8Array): void {
    check(this.inData, 'FITS data must follow a header');
    this.raw(bytes);
    this.dataBytes += bytes.length;
  }

  /** Appends values as big-endian IEEE float32 (BITPIX −32, TFORM E). */
  float32(values: ArrayLike<number>): void {
    const b = Buffer.allocUnsafe(values.length * 4);
    for (let i = 0; i < values.length; i++) b.writeFloatBE(values[i]!, i * 4);
    this.data(b);
  }

  /** Appends values as big-endian float64 (BITPIX −64, TFORM D). */
  float64(values: ArrayLike<number>): void {
    const b = Buffer.allocUnsafe(values.length * 8);
    for (let i = 0; i < values.length; i++) b.writeDoubleBE(values[i]!, i * 8);
    this.data(b);
  }

  /** Appends values as big-endian int32 (TFORM J). */
  int32(values: ArrayLike<number>): void {
    const b = Buffer.allocUnsafe(values.length * 4);
    for (let i = 0; i < values.length; i++) b.writeInt32BE(values[i]!, i * 4);
    this.data(b);
  }

  /** Pads the current HDU's data with zero bytes to the block's end. */
  endData(): void {
    if (!this.inData) return;
    const rem = this.dataBytes % fitsBlock;
    if (rem) this.raw(Buffer.alloc(fitsBlock - rem));
    this.inData = false;
  }

  /** Finishes the file; returns its size (bytes) and SHA-256 (hex). */
  close(): { bytes: number; sha256: string } {
    this.endData();
    this.flush();
    closeSync(this.fd);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Closes without finishing (after an error). */
  abort(): void {
    try { closeSync(this.fd); } catch { /* already closed */ }
  }

  private raw(bytes: Uint8Array): void {
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
