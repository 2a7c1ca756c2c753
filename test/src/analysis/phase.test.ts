import { describe, expect, it } from 'vitest';
import { referenceIntegrations } from '../../../correlator/reference.ts';
import { FitError } from '../../../src/analysis/lsq.ts';
import { channelPhases, fractionalDelay } from '../../../src/analysis/phase.ts';
import { add, delayed, noise, toCu8 } from '../../../src/analysis/signals.ts';

/** V_ab with unit amplitude and phase φ₀ + 2πν_j·τ (the correlator's convention for b τ samples after a). */
function idealCross(C: number, tau: number, phi0: number): Float64Array {
  const v = new Float64Array(2 * C);
  for (let j = 0; j < C; j++) {
    const a = phi0 + 2 * Math.PI * ((j - C / 2) / C) * tau;
    v[2 * j] = Math.cos(a);
    v[2 * j + 1] = Math.sin(a);
  }
  return v;
}

/** Two inputs seeing one noise signal, b `tau` samples after a, each with its own receiver noise; correlated by the reference FX. */
async function correlatedPair(tau: number, seed: number, C = 64) {
  const n = 1 << 17, pad = 1024;
  const sky = noise(2 * n, 0.1, seed);
  const late = delayed(sky, tau);
  const cut = (x: { re: Float64Array; im: Float64Array }) => ({ re: x.re.slice(pad, pad + n), im: x.im.slice(pad, pad + n) });
  const a = toCu8(add(cut(sky), noise(n, 0.1, seed + 1)));
  const b = toCu8(add(cut(late), noise(n, 0.1, seed + 2)));
  const [sums] = await referenceIntegrations({ inputs: 2, channels: C, taps: 4, spectraPerIntegration: 1 << 20 }, [a, b]);
  const V = sums!.visibilities;
  const product = (p: number) => V.subarray(2 * p * C, 2 * (p + 1) * C);
  return { cross: product(1), autos: { a: product(0), b: product(2), spectra: sums!.spectra }, C };
}

describe('phase and fractional delay', () => {
  it('reads back the delay and centre phase of an ideal phase slope, of either sign and past a whole sample', () => {
    for (const [tau, phi0] of [[0.3, 0.5], [-2.71, -2.9], [5.7, 3.0], [0, 0]] as const) {
      const fit = fractionalDelay(idealCross(128, tau, phi0), { sampleRate: 2.4e6 });
      expect(fit.delay.value).toBeCloseTo(tau, 9);
      expect(Math.cos(fit.phase.value - phi0)).toBeCloseTo(1, 12);
      expect(fit.seconds!.value).toBeCloseTo(tau / 2.4e6, 15);
      expect(fit.channels).toBe(128);
    }
  });

  it('measures a 0.37-sample delay between two noisy inputs through the reference correlator, with an honest uncertainty', async () => {
    const { cross, autos, C } = await correlatedPair(0.37, 40);
    const flags = new Uint8Array(C);
    flags[C / 2] = 1; // DC
    for (let j = 0; j < 3; j++) flags[j] = flags[C - 1 - j] = 1; // filter edges
    const fit = fractionalDelay(cross, { autos, flags });
    console.log(`fractional delay: ${fit.delay.value.toFixed(4)} ± ${fit.delay.sigma.toFixed(4)} samples (0.37 set), phase ${fit.phase.value.toFixed(4)} ± ${fit.phase.sigma.toFixed(4)} rad, χ²_ν ${fit.reducedChi2.toFixed(2)}`);
    expect(Math.abs(fit.delay.value - 0.37)).toBeLessThan(4 * fit.delay.sigma);
    expect(fit.delay.sigma).toBeLessThan(0.02);
    expect(Math.abs(fit.phase.value)).toBeLessThan(4 * fit.phase.sigma + 0.01);
    expect(fit.reducedChi2).toBeGreaterThan(0.5);
    expect(fit.reducedChi2).toBeLessThan(1.6);
    expect(fit.channels).toBe(C - 7);
  });

  it('gives each channel its phase, coherence and phase σ from the autos', async () => {
    const { cross, autos, C } = await correlatedPair(0, 50);
    const ph = channelPhases(cross, autos);
    // Equal sky and receiver power: coherence ½ in every channel; σ_φ = √((1 − ρ²)/(2Kρ²)).
    const mid = Array.from(ph.coherence).slice(8, C - 8);
    for (const rho of mid) expect(rho).toBeCloseTo(0.5, 1);
    expect(ph.sigma[20]).toBeCloseTo(Math.sqrt((1 - ph.coherence[20]! ** 2) / (2 * autos.spectra * ph.coherence[20]! ** 2)), 12);
    for (let j = 8; j < C - 8; j++) expect(Math.abs(ph.phase[j]!)).toBeLessThan(5 * ph.sigma[j]!);
  });

  it('ignores flagged channels (RFI with random phase)', () => {
    const C = 64;
    const v = idealCross(C, 1.25, 0.2);
    const flags = new Uint8Array(C);
    for (const j of [5, 17, 40]) {
      v[2 * j] = -30;
      v[2 * j + 1] = 11;
      flags[j] = 1;
    }
    expect(fractionalDelay(v, { flags }).delay.value).toBeCloseTo(1.25, 9);
  });

  it('refuses a spectrum with fewer than 3 usable channels, or flags of the wrong length', () => {
    expect(() => fractionalDelay(new Float64Array(4))).toThrow(FitError);
    expect(() => fractionalDelay(idealCross(8, 0, 0), { flags: new Uint8Array(4) })).toThrow(/one entry per channel \(8; got 4\)/);
  });
});
