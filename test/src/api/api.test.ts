import { describe, expect, it } from 'vitest';
import { decodeSpectrum, encodeSpectrum } from '../../../src/api/codec.ts';
import { ApiError, checkParams } from '../../../src/api/contract.ts';
import type { SpectrumEvent } from '../../../src/api/types.ts';

describe('spectrum frames', () => {
  it('round-trip every field and array exactly, floats 4-byte aligned, for 1 and 3 inputs', () => {
    for (const inputs of [1, 3]) {
      const C = 16;
      const e: SpectrumEvent = {
        time: 1_790_000_000.25, centerFrequency: 1_420_405_752, sampleRate: 2_400_000, channels: C, spectra: 586,
        power: Array.from({ length: inputs }, (_, a) => Float32Array.from({ length: C }, (_, j) => a * 100 + j + 0.5)),
        sk: Array.from({ length: inputs }, (_, a) => Float32Array.from({ length: C }, (_, j) => 1 + (a + j) / 1000)),
        totalPower: Array.from({ length: inputs }, (_, a) => 1e3 * a), clipped: new Array(inputs).fill(2), dropped: new Array(inputs).fill(0), recording: 7,
        stages: [{ name: 'blocks', policy: 'drop', capacity: 16, queued: 3, highWater: 9, in: 1200, out: 1197, dropped: 4 }],
      };
      const bytes = encodeSpectrum(e);
      expect(new DataView(bytes.buffer).getUint32(0, true) % 4).toBe(0);
      expect(decodeSpectrum(bytes)).toEqual(e);
    }
  });
});

describe('contract', () => {
  it('fills nothing in and refuses what is wrong, naming the field', () => {
    expect(checkParams('observations.get', { id: 3 }).params).toEqual({ id: 3 });
    expect(() => checkParams('observations.get', { id: -1 })).toThrow(/id:/);
    expect(() => checkParams('live.start', { source: 'sim; rm -rf /' })).toThrow(/source: a source is sim/);
    expect(() => checkParams('live.start', { tuning: { gain: 99 } })).toThrow(/tuning.gain/);
    expect(() => checkParams('nope', {})).toThrow(ApiError);
  });
});
