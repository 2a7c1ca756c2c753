/**
 * A streaming FITS writer (FITS Standard 4.0): 80-character header cards,
 * 2880-byte blocks, big-endian data padded with zeros. Data are appended
 * in pieces, so an exporter never holds a whole image in memory; the file's
 * SHA-256 is computed as it is written.
 */
import { check } from '../errors.ts';
import { FileSink } from './sink.ts';

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

/** User text (targets, names) made fit for a FITS string: printable ASCII, at most `max` characters. */
export function fitsText(s: string, max = 68): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '?').slice(0, max);
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
  private dataBytes = 0;
  private inData = false;

  private constructor(private readonly sink: FileSink) {}

  static create(path: string): FitsWriter {
    return new FitsWriter(FileSink.create(path));
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.sink.bytes;
  }

  /** Writes a header: the cards, END, and spaces to the block's end. Closes the previous HDU's data. */
  header(cards: readonly string[]): void {
    this.endData();
    const text = [...cards, 'END'.padEnd(80)].join('');
    check(text.length % 80 === 0, 'every FITS card is 80 characters');
    this.sink.write(Buffer.from(text.padEnd(Math.ceil(text.length / fitsBlock) * fitsBlock, ' '), 'ascii'));
    this.inData = true;
    this.dataBytes = 0;
  }

  /** Appends data bytes to the current HDU. */
  data(bytes: Uint8Array): void {
    check(this.inData, 'FITS data must follow a header');
    this.sink.write(bytes);
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

  /** Pads the current HDU's data with zero bytes to the block's end. */
  endData(): void {
    if (!this.inData) return;
    const rem = this.dataBytes % fitsBlock;
    if (rem) this.sink.write(Buffer.alloc(fitsBlock - rem));
    this.inData = false;
  }

  /** Finishes the file; returns its size (bytes) and SHA-256 (hex). */
  close(): { bytes: number; sha256: string } {
    this.endData();
    return this.sink.close();
  }

  /** Closes without finishing (after an error). */
  abort(): void {
    this.sink.abort();
  }
}
