/** Shared fixtures for the observations tests: configs, integrations with known values, temp folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Integration } from '../../correlator/types.ts';
import type { ObservationConfig } from '../../observations/store/types.ts';

export function tempDir(prefix = 'fringe-obs-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function config(over: Partial<ObservationConfig> & { inputs?: number; channels?: number; mode?: 'full' | 'autos' } = {}): ObservationConfig {
  const { inputs = 2, channels = 16, mode = 'full', ...rest } = over;
  return {
    softwareVersion: '0.1.0-test',
    tuning: { centerFrequency: 1420.4e6, sampleRate: 2.048e6, gain: 40 },
    fx: { inputs, channels, taps: 4, spectraPerIntegration: 1000, mode },
    antennas: Array.from({ length: inputs }, (_, a) => ({ name: `ANT${a + 1}`, east: 10 * a, north: 3 * a, up: 0.5 * a })),
    pointing: { ra: 83.63, dec: 22.01 },
    station: 'FRINGE-TEST',
    ...rest,
  };
}

export function productsOf(c: ObservationConfig): number {
  return c.fx.mode === 'autos' ? c.fx.inputs : (c.fx.inputs * (c.fx.inputs + 1)) / 2;
}

/**
 * Integration `index` with values exactly representable in float32: visibility
 * k is index·1000 + k/2 for the real parts and −that for the imaginary parts,
 * autos' imaginary parts 0; so a reader can check every value.
 */
export function integration(c: ObservationConfig, index: number, spectra = c.fx.spectraPerIntegration): Integration {
  const P = productsOf(c);
  const C = c.fx.channels;
  const N = c.fx.inputs;
  const vis = new Float64Array(P * C * 2);
  for (let k = 0; k < P * C; k++) {
    vis[2 * k] = expectedRe(index, k);
    vis[2 * k + 1] = -expectedRe(index, k) / 4;
  }
  const power2 = new Float64Array(N * C);
  for (let k = 0; k < N * C; k++) power2[k] = index + k;
  return {
    index,
    firstSample: index * C * c.fx.spectraPerIntegration,
    spectra,
    end: 'full',
    visibilities: vis,
    power2,
    clipped: Array.from({ length: N }, (_, a) => a + index),
    dropped: Array.from({ length: N }, () => 0),
    calibration: 0,
  };
}

/** The real part of visibility (product·channel) k in integration `index`. */
export function expectedRe(index: number, k: number): number {
  return 1 + index * 1000 + k / 2;
}
