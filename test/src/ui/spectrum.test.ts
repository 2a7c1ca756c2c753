import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hydrogenLine as engineLine, radioVelocity as engineVelocity } from '../../../src/astro/velocity.ts';
import { channelFrequencies, decibels, findHydrogenLine, hydrogenLine, medianFilter, radioVelocity } from '../../../src/ui/spectrum.ts';
import { gaussian, rng } from '../../../src/analysis/signals.ts';

describe('ui/spectrum: the arithmetic behind the plots', () => {
  it('uses the same rest frequency and radio convention as src/astro', () => {
    expect(hydrogenLine).toBe(engineLine);
    expect(radioVelocity(hydrogenLine)).toBe(0);
    // v = c (f0 − f) / f0: 1e-4 of f0 below the rest frequency is 29.9792458 km/s receding.
    expect(radioVelocity(hydrogenLine * (1 - 1e-4))).toBeCloseTo(29.9792458, 9);
    for (const f of [1419.2e6, 1420.0e6, 1421.6e6]) expect(radioVelocity(f)).toBeCloseTo(engineVelocity(f), 9);
  });

  it('places channel C/2 of an fft-shifted spectrum at the centre frequency', () => {
    const f = channelFrequencies(1420e6, 2.4e6, 1024);
    expect(f[512]).toBe(1420e6);
    expect(f[0]).toBe(1420e6 - 1.2e6);
    expect(f[1]! - f[0]!).toBeCloseTo(2.4e6 / 1024, 6);
    expect(Array.from(decibels([1, 10, 0]))).toEqual([0, 10, NaN]);
  });

  it('removes one-channel tones with the running median', () => {
    const x = Array.from({ length: 64 }, (_, j) => (j === 20 ? 1000 : 5));
    expect(Math.max(...medianFilter(x, 7))).toBe(5);
  });

  /** A receiver's mean spectrum: flat 100 with 2 % noise, a Gaussian line, a tone, the DC spike. */
  function spectrum(line: { f: number; amp: number; sigma: number } | null, seed: number): Float32Array {
    const fc = 1420.405752e6, fs = 2.4e6, C = 1024;
    const f = channelFrequencies(fc, fs, C);
    const g = gaussian(rng(seed));
    const p = new Float32Array(C);
    for (let j = 0; j < C; j++) {
      p[j] = 100 * (1 + 0.02 * g());
      if (line) p[j]! += line.amp * Math.exp(-0.5 * ((f[j]! - line.f) / line.sigma) ** 2);
    }
    p[168] = 400; // an RFI tone at 1419.6 MHz
    p[512] = 350; // the DC spike
    return p;
  }

  it('finds a line of known frequency, velocity and height among a tone and the DC spike', () => {
    const truth = { f: 1420.33e6, amp: 20, sigma: 60e3 };
    const fit = findHydrogenLine(spectrum(truth, 7), 1420.405752e6, 2.4e6)!;
    expect(fit).not.toBeNull();
    // Within 5 channels (12 kHz, 2.5 km/s) of the true centre, 20 % over the baseline give or take the noise.
    expect(Math.abs(fit.frequency - truth.f)).toBeLessThan(12e3);
    expect(fit.velocity).toBeCloseTo(radioVelocity(truth.f), -1);
    expect(fit.excess).toBeGreaterThan(0.15);
    expect(fit.excess).toBeLessThan(0.25);
  });

  it('reports no line when there is none, or when the band does not reach it', () => {
    expect(findHydrogenLine(spectrum(null, 8), 1420.405752e6, 2.4e6)).toBeNull();
    expect(findHydrogenLine(spectrum({ f: 1420.33e6, amp: 20, sigma: 60e3 }, 9), 1600e6, 2.4e6)).toBeNull();
  });
});

describe('src/ui imports no Node modules', () => {
  const ui = new URL('../../../src/ui/', import.meta.url).pathname;
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
  it('imports only React, plotly.js, its own modules and src/api (engine types only)', () => {
    for (const file of files(ui).filter((f) => /\.tsx?$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
        const typeOnly = !!m[1];
        const spec = m[2] ?? m[3]!;
        const where = `${file.slice(ui.length)} imports ${spec}`;
        if (spec.startsWith('.')) {
          const target = join(file, '..', spec);
          // Code from src/api: the codec, the boundary rules, and the pure offset tuning, history and closure phases (no imports at all: contract-imports.test.ts).
          const allowed = target.startsWith(ui) || /src\/api\/(codec|inputs|tuning|history|closure)\.ts$/.test(target) || (typeOnly && /src\/(api|engine)\//.test(target));
          expect(allowed, where).toBe(true);
        } else {
          expect(['react', 'react-dom/client', 'plotly.js-dist-min', 'zod'], where).toContain(spec);
        }
      }
    }
  });
});
