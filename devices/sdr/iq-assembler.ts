/**
 * Cuts a byte stream that arrives in arbitrary pieces (TCP reads, file
 * reads) into blocks of a fixed, even number of bytes, so I/Q pairs stay
 * aligned whatever the piece sizes: an odd byte simply waits for the next
 * piece. One allocation per block handed out; nothing else is copied twice.
 */
export class IqAssembler {
  private current: Uint8Array;
  private fill = 0;

  /** @param blockBytes bytes per block: even and ≥ 2 */
  constructor(readonly blockBytes: number) {
    if (!Number.isInteger(blockBytes) || blockBytes < 2 || blockBytes % 2 !== 0) {
      throw new RangeError(`IqAssembler: blockBytes must be an even integer ≥ 2 (got ${blockBytes})`);
    }
    this.current = new Uint8Array(blockBytes);
  }

  /** Bytes waiting for the next block. */
  get pending(): number {
    return this.fill;
  }

  /** Feeds a piece; calls `onBlock` with each block it completes. */
  push(piece: Uint8Array, onBlock: (block: Uint8Array) => void): void {
    let offset = 0;
    while (offset < piece.length) {
      const n = Math.min(piece.length - offset, this.blockBytes - this.fill);
      this.current.set(piece.subarray(offset, offset + n), this.fill);
      this.fill += n;
      offset += n;
      if (this.fill === this.blockBytes) {
        onBlock(this.current);
        this.current = new Uint8Array(this.blockBytes);
        this.fill = 0;
      }
    }
  }

  /** Hands out what is pending, cut to whole I/Q pairs (a trailing odd byte is discarded); null when empty. */
  flush(): Uint8Array | null {
    const even = this.fill & ~1;
    this.fill = 0;
    if (even === 0) return null;
    return this.current.slice(0, even);
  }
}
