/**
 * One input's stream inside the pipeline: the samples received but not yet
 * consumed, on the common time axis (common index k is this input's sample
 * k + delay), and the blocks held back behind a gap until the pipeline
 * resolves it.
 */
import { CorrelatorError } from './errors.ts';
import type { Block } from './types.ts';

export interface HeldBlock {
  /** Common index of the block's first sample. */
  at: number;
  data: Uint8Array;
  dropped: number;
}

export class InputStream {
  private bytes = new Uint8Array(1 << 16);
  private head = 0; // byte offset of `start` in `bytes`
  /** Common index of the first buffered sample. */
  start = 0;
  /**
   * Common index one past the last buffered sample; samples arriving below it
   * are discarded (so the first `delay` samples, below common index 0, are).
   */
  end = 0;
  /** Index (this input's own) the next block must start at, dropped samples included. */
  private expected = 0;
  /** Blocks after an unresolved gap, in order. */
  readonly held: HeldBlock[] = [];

  constructor(
    readonly input: number,
    private delay: number,
  ) {}

  /**
   * Changes the integer read delay (samples) at an integration boundary: the
   * samples held move on the common axis by (old − new), so common index k
   * is this input's sample k + delay from now on. A larger delay skips
   * samples (the caller discards below its next spectrum); a smaller one
   * leaves a hole of (old − new) samples that were consumed under the old
   * delay: the caller starts the next spectrum after it.
   */
  setDelay(delay: number): void {
    const shift = this.delay - delay;
    if (shift === 0) return;
    this.delay = delay;
    this.start += shift;
    this.end += shift;
    for (const h of this.held) h.at += shift;
  }

  /**
   * Takes a block. Returns the samples dropped inside the discarded region
   * (counted at once); a gap that leaves a hole in needed data holds the
   * block back instead, for the pipeline to resolve.
   */
  push(block: Block): number {
    if (block.data.length % 2 !== 0) {
      throw new CorrelatorError('block', `input ${this.input}: a block must hold whole I/Q pairs (got ${block.data.length} bytes)`);
    }
    if (!Number.isInteger(block.dropped) || block.dropped < 0) {
      throw new CorrelatorError('block', `input ${this.input}: dropped must be an integer ≥ 0 (got ${block.dropped})`);
    }
    if (block.firstSample !== this.expected + block.dropped) {
      throw new CorrelatorError(
        'block',
        `input ${this.input}: block starts at sample ${block.firstSample}, but after sample ${this.expected - 1} ` +
          `and ${block.dropped} dropped it should start at ${this.expected + block.dropped}; the source lost count of its samples`,
      );
    }
    this.expected = block.firstSample + block.data.length / 2;
    const at = block.firstSample - this.delay;
    if (this.held.length > 0 || at > this.end) {
      this.held.push({ at, data: block.data, dropped: block.dropped });
      return 0;
    }
    this.append(at, block.data);
    return block.dropped;
  }

  /** Appends data starting at common index `at` ≤ end, discarding what lies below `end`. */
  private append(at: number, data: Uint8Array): void {
    const skip = 2 * (this.end - at);
    if (skip >= data.length) return;
    const add = data.length - skip;
    const used = 2 * (this.end - this.start);
    if (this.head + used + add > this.bytes.length) {
      if (used + add > this.bytes.length / 2) {
        const grown = new Uint8Array(2 * (used + add));
        grown.set(this.bytes.subarray(this.head, this.head + used));
        this.bytes = grown;
      } else {
        this.bytes.copyWithin(0, this.head, this.head + used);
      }
      this.head = 0;
    }
    this.bytes.set(data.subarray(skip), this.head + used);
    this.end += add / 2;
  }

  /** Bytes for common indices [from, end): a view, valid until the next push or discard. */
  view(from: number): Uint8Array {
    return this.bytes.subarray(this.head + 2 * (from - this.start), this.head + 2 * (this.end - this.start));
  }

  /** Forgets samples below common index `to`; later samples below it will be discarded on arrival. */
  discardBelow(to: number): void {
    if (to <= this.start) return;
    if (to >= this.end) {
      this.head = 0;
      this.start = this.end = to;
      return;
    }
    this.head += 2 * (to - this.start);
    this.start = to;
  }

  /** Where the first held gap begins (common index), or null when none is held. */
  gapAt(): number | null {
    return this.held.length > 0 ? this.end : null;
  }

  /**
   * Resolves the first held gap: discards everything up to the block after
   * it, appends the held blocks up to the next gap, and returns the samples
   * the gap dropped.
   */
  resumeAfterGap(): { resume: number; dropped: number } {
    const first = this.held.shift()!;
    this.discardBelow(first.at);
    this.append(first.at, first.data);
    let dropped = first.dropped;
    while (this.held.length > 0 && this.held[0].at <= this.end) {
      const next = this.held.shift()!;
      this.append(next.at, next.data);
      dropped += next.dropped;
    }
    return { resume: first.at, dropped };
  }
}
