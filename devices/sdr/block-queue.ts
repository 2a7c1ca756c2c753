/**
 * A bounded queue between a producer that cannot wait (a dongle's callback,
 * a socket) and one consumer iterating with `for await`. When the consumer
 * falls behind and the queue is full, the newest block is dropped whole and
 * its samples are added to the `dropped` count of the next block that gets
 * through, as DESIGN.md's concurrency section asks.
 */
import type { Block } from './source.ts';

export class BlockQueue implements AsyncIterable<Block> {
  private readonly items: Block[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<Block>) => void) | null = null;
  private failWaiter: ((e: unknown) => void) | null = null;
  private finished = false;
  private error: unknown = null;
  private pendingDropped = 0;
  private iterated = false;
  /** Blocks dropped because the consumer fell behind. */
  droppedBlocks = 0;

  /**
   * @param capacity blocks held before dropping (≥ 1)
   * @param onStop called once when the consumer stops early (break/return)
   */
  constructor(
    private readonly capacity: number,
    private readonly onStop: () => void = () => {},
  ) {}

  /** Number of blocks waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Offers a block; returns false when it was dropped (queue full or ended). */
  push(block: Block): boolean {
    if (this.finished) return false;
    if (this.pendingDropped > 0) {
      block = { ...block, dropped: block.dropped + this.pendingDropped };
    }
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = null;
      this.pendingDropped = 0;
      w({ value: block, done: false });
      return true;
    }
    if (this.length >= this.capacity) {
      this.droppedBlocks++;
      this.pendingDropped = block.dropped + block.data.length / 2;
      return false;
    }
    this.pendingDropped = 0;
    this.items.push(block);
    return true;
  }

  /** Ends the stream after the blocks already queued. */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = null;
      w({ value: undefined, done: true });
    }
  }

  /** Ends the stream with an error, thrown after the blocks already queued. */
  fail(error: unknown): void {
    if (this.finished) return;
    this.error = error;
    this.finished = true;
    if (this.failWaiter) {
      const f = this.failWaiter;
      this.waiter = this.failWaiter = null;
      f(error);
    }
  }

  private next(): Promise<IteratorResult<Block>> {
    if (this.length > 0) {
      const value = this.items[this.head]!;
      this.items[this.head++] = undefined as unknown as Block;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.finished) {
      if (this.error !== null) {
        const e = this.error;
        this.error = null;
        return Promise.reject(e);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<Block> {
    if (this.iterated) throw new Error('BlockQueue supports one consumer');
    this.iterated = true;
    return {
      next: () => this.next(),
      return: async () => {
        if (!this.finished) {
          this.finished = true;
          this.onStop();
        }
        this.items.length = 0;
        this.head = 0;
        return { value: undefined, done: true };
      },
    };
  }
}
