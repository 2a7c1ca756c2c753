import type { Block } from '../../correlator/types.ts';
import type { StageCounts, StagePolicy } from '../api/types.ts';

export type { StageCounts, StagePolicy } from '../api/types.ts';

/**
 * The bounded queues between the station's stages (source → FX core →
 * store and live subscribers). Each holds at most `capacity` items. A stage
 * that may wait (`wait`) makes its producer wait when full, so back-pressure
 * reaches the stage before it; one fed by something that cannot wait (a
 * dongle keeps sampling) drops what does not fit (`drop`) and counts it.
 * Every stage counts what went in, out and was dropped, and its high-water
 * mark, for the station's status.
 */

export class StageClosedError extends Error {
  override name = 'StageClosedError';
}

export class Stage<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private takers: ((r: IteratorResult<T>) => void)[] = [];
  private failers: ((e: unknown) => void)[] = [];
  private spaceWaiters: (() => void)[] = [];
  private isEnded = false;
  private error: unknown = null;
  private counts = { in: 0, out: 0, dropped: 0, highWater: 0 };

  constructor(
    readonly name: string,
    readonly capacity: number,
    readonly policy: StagePolicy,
  ) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`stage ${name}: capacity ${capacity} must be an integer ≥ 1`);
  }

  /** True once ended (or failed, or drained): producers' offers are refused. */
  get ended(): boolean {
    return this.isEnded;
  }

  get length(): number {
    return this.items.length;
  }

  /**
   * Offers an item. `wait`: resolves true once it is queued (waiting while
   * the stage is full). `drop`: resolves false at once when full. Both
   * resolve false after `end()` or `fail()`.
   */
  async put(item: T): Promise<boolean> {
    while (this.policy === 'wait' && this.items.length >= this.capacity && !this.isEnded) {
      await new Promise<void>((r) => this.spaceWaiters.push(r));
    }
    return this.offer(item);
  }

  /** Queues an item if there is room; false (and counted as dropped) when full. Never waits. */
  offer(item: T): boolean {
    if (this.isEnded) return false;
    const taker = this.takers.shift();
    if (taker) {
      this.failers.shift();
      this.counts.in++;
      this.counts.out++;
      this.counts.highWater = Math.max(this.counts.highWater, 1);
      taker({ value: item, done: false });
      return true;
    }
    if (this.items.length >= this.capacity) {
      this.counts.dropped++;
      return false;
    }
    this.items.push(item);
    this.counts.in++;
    this.counts.highWater = Math.max(this.counts.highWater, this.items.length);
    return true;
  }

  /** No more items: the consumer gets what is queued, then the end. */
  end(): void {
    if (this.isEnded) return;
    this.isEnded = true;
    for (const w of this.spaceWaiters.splice(0)) w();
    for (const t of this.takers.splice(0)) t({ value: undefined, done: true });
    this.failers = [];
  }

  /** Ends with an error: the consumer gets what is queued, then the error. */
  fail(error: unknown): void {
    if (this.isEnded) return;
    this.error = error;
    this.isEnded = true;
    for (const w of this.spaceWaiters.splice(0)) w();
    for (const f of this.failers.splice(0)) f(error);
    this.takers = [];
  }

  /** Discards what is queued (the consumer stopped), releasing waiting producers. */
  drain(): void {
    this.items.length = 0;
    this.end();
  }

  /** The next item, or done once ended and empty. */
  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const value = this.items.shift()!;
      this.counts.out++;
      this.spaceWaiters.shift()?.();
      return Promise.resolve({ value, done: false });
    }
    if (this.isEnded) return this.error === null ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.takers.push(resolve);
      this.failers.push(reject);
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next(), return: async () => (this.drain(), { value: undefined, done: true }) };
  }

  snapshot(): StageCounts {
    return { name: this.name, policy: this.policy, capacity: this.capacity, queued: this.items.length, ...this.counts };
  }
}

/**
 * The stage between a source and the FX core. A block it drops is not
 * forgotten: its samples are added to the `dropped` of the next block of the
 * same input that gets through, so the correlator sees the gap where it is
 * and time keeps to the sample count.
 */
export class BlockStage extends Stage<Block> {
  private readonly carried = new Map<number, number>();
  /** Samples in the blocks this stage dropped. */
  droppedSamples = 0;

  async putBlock(block: Block): Promise<boolean> {
    const before = this.carried.get(block.input) ?? 0;
    const b = before ? { ...block, dropped: block.dropped + before } : block;
    if (await this.put(b)) {
      this.carried.set(block.input, 0);
      return true;
    }
    this.carried.set(block.input, b.dropped + b.data.length / 2);
    if (!this.ended) this.droppedSamples += b.data.length / 2;
    return false;
  }
}
