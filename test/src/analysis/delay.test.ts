import { describe, expect, it } from 'vitest';
import { DelayError, measureDelays } from '../../../src/analysis/delay.ts';
import { openSimGroup } from '../../../devices/sim/index.ts';
import { add, noise, toCu8, type Complex } from '../../../src/analysis/signals.ts';

/** x delayed by d samples: y[k] = x[k − d] (d may be negative), over n samples from `from`. */
function shifted(x: Complex, d: number, from: number, n: number): Complex {
  return { re: x.re.slice(from - d, from - d + n), im: x.im.slice(from - d, from - d + n) };
}

describe('delay measurement', () => {
  it('finds known integer delays of a common noise under independent noise, of either sign, and turns them into correlator delays', () => {
    const n = 1 << 18, pad = 5000;
    const common = noise(n + 2 * pad, 0.1, 1);
    // Input a sees the common signal d_a samples late: x_a[k] = s[k − d_a] + its own noise (ρ = 0.2).
    const late = [0, 1234, -517, 3];
    const captures = late.map((d, a) => toCu8(add(shifted(common, d, pad, n), noise(n, 0.2, 10 + a))));
    const fit = measureDelays(captures, { maxLag: 4096 });
    // x_a[k + τ] = s[k + τ − d_a] matches x_0[k] = s[k] at τ = d_a.
    expect(fit.lags).toEqual(late);
    expect(fit.delays).toEqual(late.map((d) => d + 517));
    for (let a = 1; a < 4; a++) {
      expect(fit.coefficient[a]).toBeGreaterThan(0.15);
      expect(fit.coefficient[a]).toBeLessThan(0.25);
      expect(fit.snr[a]).toBeGreaterThan(20);
    }
  });

  it('says there is no common signal when there is none, and what to do', () => {
    const n = 1 << 17;
    const captures = [0, 1].map((a) => toCu8(noise(n, 0.2, 50 + a)));
    expect(() => measureDelays(captures, { maxLag: 2048 })).toThrow(DelayError);
    expect(() => measureDelays(captures, { maxLag: 2048 })).toThrow(/noise source/);
  });

  it('refuses captures too short for the lags searched', () => {
    expect(() => measureDelays([new Uint8Array(2000), new Uint8Array(2000)], { maxLag: 4096 })).toThrow(/at least 16384 samples/);
  });

  it('recovers the simulated interferometer’s sample offsets (west 0, east 1234, north 517) with its noise source on', async () => {
    const group = await openSimGroup({ scenario: 'devices/sim/scenarios/interferometer.json', pacing: false });
    group.setNoiseSource(true);
    const blocks = group.read(1 << 18);
    const fit = measureDelays(blocks.map((b) => b.data), { maxLag: 4096 });
    // Dongle sample n is taken at common time n + offset: east's stream runs 1234 samples ahead, so it is read 1234 later... in reverse.
    expect(fit.lags).toEqual([0, -1234, -517]);
    expect(fit.delays).toEqual([1234, 0, 717]);
    await group.close();
  });
});
