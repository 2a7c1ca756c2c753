/** The Drift wizard's pure helpers (src/ui/drift.ts). */
import { describe, expect, it } from 'vitest';
import { addPoint, emptyPoints, fluxAgreement, publishedFlux, withSigma } from '../../../src/ui/drift.ts';

describe('the Drift wizard helpers', () => {
  it('shows a value with its 1σ, and a dash for what the data could not give', () => {
    expect(withSigma(14.4381, 0.0213, '°')).toBe('14.44 ± 0.02 °');
    expect(withSigma(93.27, null, 'K', 1)).toBe('93.3 K');
    expect(withSigma(null, 0.1, 'K')).toBe('—');
    expect(withSigma(Number.NaN, 0.1, 'K')).toBe('—');
  });

  it('reads the published fluxes typed (RSTN at 1415 MHz, F10.7 at 2800 MHz), and names a bad one', () => {
    expect(publishedFlux('70', ' 100 ')).toEqual({ published: [{ mhz: 1415, sfu: 70 }, { mhz: 2800, sfu: 100 }], problem: null });
    expect(publishedFlux('', '')).toEqual({ published: [], problem: null });
    expect(publishedFlux('-3', '').problem).toMatch(/^RSTN 1415 MHz: enter the flux in sfu, a number above 0 \(e\.g\. 70\), not '-3'/);
    expect(publishedFlux('', 'lots').problem).toMatch(/^F10\.7: .* not 'lots'/);
  });

  it('agrees within 10 % (or 2σ when the measurement is that uncertain), disagrees beyond', () => {
    expect(fluxAgreement(69.8, 0.1, 70.14)!.agrees).toBe(true);
    expect(fluxAgreement(62.5, 0.1, 70)!.agrees).toBe(false); // 10.7 % low
    expect(fluxAgreement(80, 10, 70)!.agrees).toBe(true); // 14 % high but 2σ = 29 %
    expect(fluxAgreement(69.8, 0.1, null)).toBeNull();
    expect(fluxAgreement(null, null, 70)).toBeNull();
  });

  it('plots only calibrated drift and scan points, each on its own trace, in new arrays', () => {
    let p = emptyPoints();
    const before = p;
    p = addPoint(p, { phase: 'calibrate', done: 1, total: 9, point: { offset: -3, power: 2, unit: 'relative' } });
    p = addPoint(p, { phase: 'drift', done: 2, total: 9, point: { offset: -2, power: 2, unit: 'relative' } });
    expect(p).toBe(before);
    p = addPoint(p, { phase: 'drift', done: 3, total: 9, point: { offset: -1, power: 95, unit: 'K' } });
    p = addPoint(p, { phase: 'scan', done: 4, total: 9, point: { offset: 0.5, power: 900, unit: 'K' } });
    p = addPoint(p, { phase: 'scan', done: 5, total: 9 });
    expect(p).toEqual({ drift: { x: [-1], y: [95] }, scan: { x: [0.5], y: [900] } });
    expect(p.drift).not.toBe(before.drift);
  });
});
