import { describe, expect, it } from 'vitest';
import { ReferenceBackend, referenceIntegrations } from '../../correlator/reference.ts';
import { CpuBackend } from '../../correlator/cpu.ts';
import { Pipeline } from '../../correlator/pipeline.ts';
import { CorrelatorError } from '../../correlator/errors.ts';
import type { Block, FxConfig, Integration } from '../../correlator/types.ts';
import { noiseCu8, relativeToPeak } from '../../src/analysis/signals.ts';
import { tolerance } from './conformance.ts';

const C = 32, T = 4, M = C * T;
const block = (input: number, firstSample: number, data: Uint8Array, dropped = 0): Block => ({ input, firstSample, data, receivedAt: 0, dropped });

/** Feeds stream `bytes` of input a as blocks of `size` samples, leaving out [gapFrom, gapTo) and reporting it as dropped. */
function blocksWithGap(a: number, bytes: Uint8Array, size: number, gapFrom: number, gapTo: number): Block[] {
  const out: Block[] = [];
  const S = bytes.length / 2;
  for (let at = 0; at < S; at += size) {
    const from = at < gapFrom ? at : Math.max(at, gapTo);
    const to = Math.min(at + size, S, at < gapFrom ? gapFrom : S);
    if (to <= from) continue;
    const dropped = from === gapTo && gapTo > gapFrom ? gapTo - gapFrom : 0;
    out.push(block(a, from, bytes.subarray(2 * from, 2 * to), dropped));
  }
  return out;
}

async function run(config: FxConfig, blocks: Block[][]): Promise<Integration[]> {
  const p = new Pipeline(await CpuBackend.create(config, { threads: 0, batch: 5 }));
  const out: Integration[] = [];
  const longest = Math.max(...blocks.map((b) => b.length));
  for (let i = 0; i < longest; i++) for (const b of blocks) if (b[i]) out.push(...(await p.push(b[i])));
  out.push(...(await p.end()));
  return out;
}

describe('pipeline gaps', () => {
  it('ends the integration at a gap, carries the dropped count, and restarts after it on every input', async () => {
    const config: FxConfig = { inputs: 2, channels: C, taps: T, spectraPerIntegration: 25 };
    const S = 90 * C;
    const streams = [noiseCu8(S, 20, 1), noiseCu8(S, 20, 2)];
    // Input 1 loses samples [700, 1000): spectra may use [0, 700) and [1000, S) only.
    const got = await run(config, [blocksWithGap(0, streams[0], 97, 0, 0), blocksWithGap(1, streams[1], 131, 700, 1000)]);
    const before = Math.floor((700 - M) / C) + 1; // spectra that fit before the gap
    expect(got[0]).toMatchObject({ end: 'gap', spectra: before, firstSample: 0, dropped: [0, 300] });
    // After the gap, a fresh integration grid starts at sample 1000: same as the reference on the tail alone.
    const tail = await referenceIntegrations(config, streams.map((s) => s.subarray(2 * 1000)));
    const after = got.slice(1);
    expect(after.map((i) => i.spectra)).toEqual(tail.map((i) => i.spectra));
    expect(after[0].firstSample).toBe(1000);
    expect(after[0].dropped).toEqual([0, 0]);
    after.forEach((g, i) => expect(relativeToPeak(g.visibilities, tail[i].visibilities)).toBeLessThan(tolerance));
    // And the part before the gap matches the reference on the head alone.
    const head = await referenceIntegrations({ ...config, spectraPerIntegration: before }, streams.map((s) => s.subarray(0, 2 * 700)));
    expect(relativeToPeak(got[0].visibilities, head[0].visibilities)).toBeLessThan(tolerance);
    expect(got.reduce((n, i) => n + i.spectra, 0)).toBe(before + tail.reduce((n, i) => n + i.spectra, 0));
  });

  it('carries a gap between integrations into the next integration', async () => {
    const config: FxConfig = { inputs: 1, channels: C, taps: 1, spectraPerIntegration: 4 };
    const bytes = noiseCu8(40 * C, 20, 3);
    // With T = 1 an integration spans 4·C samples exactly; lose [4C, 6C) right at the boundary.
    const got = await run(config, [blocksWithGap(0, bytes, 4 * C, 4 * C, 6 * C)]);
    expect(got[0]).toMatchObject({ end: 'full', spectra: 4, dropped: [0] });
    expect(got[1]).toMatchObject({ end: 'full', spectra: 4, firstSample: 6 * C, dropped: [64] });
  });

  it('emits a partial last integration on end()', async () => {
    const config: FxConfig = { inputs: 1, channels: C, taps: T, spectraPerIntegration: 100 };
    const got = await run(config, [blocksWithGap(0, noiseCu8(20 * C, 20, 4), 50, 0, 0)]);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ end: 'end', spectra: 20 - T + 1 });
  });
});

describe('pipeline block contract', () => {
  it('refuses a block for an input it does not have, an odd byte count, and a sample index that does not follow', async () => {
    const p = new Pipeline(new ReferenceBackend({ inputs: 2, channels: C, taps: T, spectraPerIntegration: 4 }));
    await expect(p.push(block(2, 0, new Uint8Array(4)))).rejects.toThrow(/inputs 0 … 1/);
    await expect(p.push(block(0, 0, new Uint8Array(3)))).rejects.toThrow(/whole I\/Q pairs/);
    await p.push(block(0, 0, new Uint8Array(20)));
    await expect(p.push(block(0, 15, new Uint8Array(20), 0))).rejects.toThrow(/should start at 10/);
    await expect(p.push(block(0, 12, new Uint8Array(20), 1))).rejects.toBeInstanceOf(CorrelatorError);
    await p.end();
    await expect(p.push(block(0, 10, new Uint8Array(2)))).rejects.toThrow(/ended/);
  });
});

describe('pipeline calibration input', () => {
  it('refuses a malformed calibration with a message that says what was wrong, and keeps the one in force', async () => {
    const p = new Pipeline(new ReferenceBackend({ inputs: 2, channels: C, taps: T, spectraPerIntegration: 4 }));
    expect(() => p.setCalibration({ delays: [0] })).toThrow(/one entry per input: 2 expected, got 1/);
    expect(() => p.setCalibration({ delays: [0, -1] })).toThrow(/delays\[1\] must be a finite number of samples ≥ 0 \(got -1\)/);
    expect(() => p.setCalibration({ delays: [0, NaN] })).toThrow(/delays\[1\]/);
    expect(() => p.setCalibration({ gains: [new Float32Array(2 * C)] })).toThrow(/gains must have one array per input/);
    expect(() => p.setCalibration({ scale: [1, 0] })).toThrow(/scale\[1\] must be a finite number > 0 \(got 0\)/);
    expect(() => p.setCalibration(null as never)).toThrow(CorrelatorError);
    expect(p.calibrationPending).toBe(false);
    expect(p.calibration).toEqual({ count: 0, delays: [0, 0], gains: null, scale: null });
    p.setCalibration({ delays: [0, 1.5] });
    p.setCalibration({ scale: [2, 3] });
    expect(p.calibrationPending).toBe(true);
    await p.push(block(0, 0, new Uint8Array(2)));
    // Two calls, merged, applied together at the first boundary: both are in effect.
    expect(p.calibration).toMatchObject({ count: 2, delays: [0, 1.5], scale: [2, 3] });
    await p.end();
    expect(() => p.setCalibration({})).toThrow(/ended/);
  });
});
