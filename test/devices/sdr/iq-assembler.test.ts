import { describe, expect, it } from 'vitest';
import { IqAssembler } from '../../../devices/sdr/iq-assembler.ts';

describe('IqAssembler', () => {
  it('cuts odd-sized pieces into whole even blocks, carrying odd bytes over', () => {
    const data = Uint8Array.from({ length: 1001 }, (_, i) => i & 0xff);
    const a = new IqAssembler(64);
    const blocks: Uint8Array[] = [];
    let offset = 0;
    for (const size of [1, 3, 5, 7, 63, 65, 2, 129, 1, 725]) {
      a.push(data.subarray(offset, offset + size), (b) => blocks.push(b));
      offset += size;
    }
    expect(offset).toBe(1001);
    expect(blocks.length).toBe(15); // 15·64 = 960
    expect(blocks.every((b) => b.length === 64)).toBe(true);
    expect(a.pending).toBe(41);
    const rest = a.flush()!;
    expect(rest.length).toBe(40); // the trailing odd byte is half a sample
    const joined = Buffer.concat([...blocks, rest]);
    expect(joined.equals(Buffer.from(data.subarray(0, 1000)))).toBe(true);
    expect(a.flush()).toBeNull();
  });

  it('hands out a fresh array per block, so blocks already handed out stay valid', () => {
    const a = new IqAssembler(4);
    const blocks: Uint8Array[] = [];
    a.push(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), (b) => blocks.push(b));
    expect(blocks.map((b) => [...b])).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
  });

  it('rejects odd block sizes', () => {
    expect(() => new IqAssembler(5)).toThrow(/even/);
  });
});
