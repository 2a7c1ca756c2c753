import { describe, expect, it } from 'vitest';
import { BlockQueue } from '../../../devices/sdr/block-queue.ts';
import type { Block } from '../../../devices/sdr/source.ts';

const block = (firstSample: number, samples = 4, dropped = 0): Block => ({
  input: 0,
  firstSample,
  data: new Uint8Array(2 * samples),
  receivedAt: 0,
  dropped,
});

describe('BlockQueue', () => {
  it('hands blocks over in order, before and after the consumer waits', async () => {
    const q = new BlockQueue(8);
    q.push(block(0));
    const it = q[Symbol.asyncIterator]();
    expect((await it.next()).value!.firstSample).toBe(0);
    const pending = it.next();
    q.push(block(4));
    expect((await pending).value!.firstSample).toBe(4);
    q.end();
    expect((await it.next()).done).toBe(true);
  });

  it('drops whole newest blocks when full and adds their samples to the next block through', async () => {
    const q = new BlockQueue(2);
    expect(q.push(block(0))).toBe(true);
    expect(q.push(block(4))).toBe(true);
    expect(q.push(block(8))).toBe(false);
    expect(q.push(block(12, 4, 3))).toBe(false);
    const got: Block[] = [];
    const it = q[Symbol.asyncIterator]();
    got.push((await it.next()).value!, (await it.next()).value!);
    q.push(block(19));
    got.push((await it.next()).value!);
    expect(got.map((b) => [b.firstSample, b.dropped])).toEqual([
      [0, 0],
      [4, 0],
      [19, 4 + 3 + 4], // block 8 (4 samples), block 12 (3 dropped before it + 4 samples)
    ]);
    expect(q.droppedBlocks).toBe(2);
  });

  it('throws the failure after the blocks already queued', async () => {
    const q = new BlockQueue(4);
    q.push(block(0));
    q.fail(new Error('gone'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const b of q) seen.push(b.firstSample);
      })(),
    ).rejects.toThrow('gone');
    expect(seen).toEqual([0]);
  });

  it('calls onStop once when the consumer breaks out', async () => {
    let stops = 0;
    const q = new BlockQueue(4, () => stops++);
    q.push(block(0));
    q.push(block(4));
    for await (const b of q) {
      expect(b.firstSample).toBe(0);
      break;
    }
    expect(stops).toBe(1);
    expect(q.push(block(8))).toBe(false);
  });
});
