import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../correlator/cpu.ts';
import { CorrelatorError } from '../../correlator/errors.ts';
import { correlate, describeConformance } from './conformance.ts';
import { noiseCu8, relativeToPeak } from '../../src/analysis/signals.ts';

describeConformance('cpu (inline)', (config) => CpuBackend.create(config, { threads: 0 }));
describeConformance('cpu (2 worker threads)', (config) => CpuBackend.create(config, { threads: 2, batch: 7 }));

describe('cpu backend threads', () => {
  it('agrees across 0, 1 and 3 threads', async () => {
    const config = { inputs: 3, channels: 128, taps: 4, spectraPerIntegration: 60 };
    const streams = [0, 1, 2].map((a) => noiseCu8(128 * 200, 20, 70 + a));
    const [inline] = await correlate(await CpuBackend.create(config, { threads: 0, batch: 8 }), streams);
    const [one] = await correlate(await CpuBackend.create(config, { threads: 1, batch: 8 }), streams);
    const [three] = await correlate(await CpuBackend.create(config, { threads: 3, batch: 8 }), streams);
    // One worker does exactly what inline does; three sum partial sums in another order (float64 rounding only).
    expect(Array.from(one.visibilities)).toEqual(Array.from(inline.visibilities));
    expect(relativeToPeak(three.visibilities, inline.visibilities)).toBeLessThan(1e-12);
  });

  it('refuses a bad thread count and use after close', async () => {
    const config = { inputs: 1, channels: 16, taps: 1, spectraPerIntegration: 1 };
    await expect(CpuBackend.create(config, { threads: -1 })).rejects.toThrow(/threads must be an integer from 0/);
    const b = await CpuBackend.create(config, { threads: 1 });
    await b.close();
    await expect(b.take()).rejects.toBeInstanceOf(CorrelatorError);
  });
});
