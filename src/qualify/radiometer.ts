/**
 * Radiometer measurements on the simulator (hydrogen scenario: a fixed dish
 * on cold sky, no sun), unpaced: the total power of every short integration,
 * its scatter against T_sys/√(Bτ) at several τ, the Allan variance and where
 * it stops integrating down, and the gain drift over the run.
 */
import { fileURLToPath } from 'node:url';
import { CpuBackend } from '../../correlator/cpu.ts';
import { prototypeFilter } from '../../correlator/pfb.ts';
import { Pipeline } from '../../correlator/pipeline.ts';
import type { Integration } from '../../correlator/types.ts';
import { openSimSource } from '../../devices/sim/index.ts';
import { allanVariance, effectiveBandwidth, radiometerCheck, type AllanPoint } from '../analysis/radiometer.ts';
import { bandPower, channelFlags } from '../analysis/rfi.ts';
import { noiseCu8 } from '../analysis/signals.ts';
import type { Plot } from './types.ts';

export const hydrogenScenario = fileURLToPath(new URL('../../devices/sim/scenarios/hydrogen.json', import.meta.url));

/**
 * The same series from seeded white Gaussian noise (20 counts rms, 8-bit)
 * through the CPU backend: the software chain alone, whose scatter must
 * follow the radiometer equation at every τ.
 */
export async function noisePowerSeries(seconds: number, seed: number): Promise<PowerSeries> {
  const C = 256, T = 4, rate = 2_400_000;
  const K = Math.round((0.01 * rate) / C);
  const samples = Math.round(seconds * rate);
  const backend = await CpuBackend.create({ inputs: 1, channels: C, taps: T, spectraPerIntegration: K, mode: 'autos' }, { threads: 1 });
  const pipeline = new Pipeline(backend);
  const integrations: Integration[] = [];
  try {
    const block = 1 << 18;
    for (let at = 0; at < samples; at += block) {
      const data = noiseCu8(Math.min(block, samples - at), 20, seed + at / block);
      integrations.push(...(await pipeline.push({ input: 0, firstSample: at, data, receivedAt: 0, dropped: 0 })));
    }
  } finally {
    await backend.close();
  }
  return seriesOf(integrations, C, K, rate, { source: `seeded white noise, 20 counts rms (seed ${seed})`, seconds, sampleRate: rate, channels: C, taps: T, spectraPerIntegration: K, backend: 'cpu' });
}

function seriesOf(integrations: Integration[], C: number, K: number, rate: number, config: Record<string, unknown>): PowerSeries {
  const full = integrations.filter((i) => i.spectra === K);
  const mean = new Float64Array(C);
  for (const i of full) for (let j = 0; j < C; j++) mean[j] += i.visibilities[2 * j]! / K / full.length;
  const flags = channelFlags(C, null, K);
  const power = full.map((i) => bandPower(Float64Array.from({ length: C }, (_, j) => i.visibilities[2 * j]! / K), flags));
  const factor = pfbNoiseFactor(C, Number(config.taps), flags);
  return { power, tau0: (K * C) / rate, bandwidth: effectiveBandwidth(mean, rate / C, flags), factor, sampleRate: rate, config };
}

export interface PowerSeries {
  /** Band power per integration, mean per spectrum (counts² summed over the unflagged channels). */
  power: number[];
  /** Integration time τ₀ (s). */
  tau0: number;
  /** Noise-equivalent bandwidth of the unflagged band (Hz). */
  bandwidth: number;
  /** pfbNoiseFactor of the configuration: the variance excess over the radiometer equation expected for white noise. */
  factor: number;
  sampleRate: number;
  config: Record<string, unknown>;
}

/** `seconds` of simulated samples (2.4 MS/s) through the CPU backend in integrations of ~10 ms, C = 256, autos. */
export async function simPowerSeries(seconds: number, progress: (f: number) => void = () => {}): Promise<PowerSeries> {
  const C = 256, T = 4, rate = 2_400_000;
  const K = Math.round((0.01 * rate) / C);
  const source = await openSimSource({ scenario: hydrogenScenario, pacing: false });
  const backend = await CpuBackend.create({ inputs: 1, channels: C, taps: T, spectraPerIntegration: K, mode: 'autos' }, { threads: 1 });
  const pipeline = new Pipeline(backend);
  const integrations: Integration[] = [];
  const total = seconds * rate;
  try {
    await source.setSampleRate(rate);
    for await (const block of source.blocks()) {
      integrations.push(...(await pipeline.push(block)));
      const done = block.firstSample + block.data.length / 2;
      progress(Math.min(1, done / total));
      if (done >= total) break;
    }
  } finally {
    await backend.close();
    await source.close();
  }
  return seriesOf(integrations, C, K, rate, { source: 'sim (devices/sim/scenarios/hydrogen.json), unpaced', seconds, sampleRate: rate, channels: C, taps: T, spectraPerIntegration: K, backend: 'cpu' });
}

/**
 * The factor F by which the variance of a band power exceeds the radiometer
 * equation's for white noise through this PFB: successive spectra share T−1
 * of their T·C samples and neighbouring channels overlap, so fewer than K·C
 * of the numbers summed are independent. With c(l, Δk) = Σ_n h[n]·h[n + lC]·
 * e^(−2πiΔk·n/C) (the covariance of X_s[k] and X_{s+l}[k + Δk] per unit
 * input variance), Var = K·Σ_{k,k′ in band} Σ_l |c(l, k − k′)|² against the
 * ideal K·n_band·c(0, 0)² (K ≫ T). The expected rms is then √F·P/√(Bτ).
 */
export function pfbNoiseFactor(C: number, T: number, flags: ArrayLike<number>): number {
  const h = prototypeFilter(C, T);
  const span = 4; // |Δk| beyond 4 channels contributes < 1e-8 of c(0,0)²
  const c2 = new Map<string, number>();
  for (let l = -(T - 1); l <= T - 1; l++) {
    for (let dk = -span; dk <= span; dk++) {
      let re = 0, im = 0;
      for (let n = Math.max(0, -l * C); n < T * C && n + l * C < T * C; n++) {
        const w = h[n]! * h[n + l * C]!, a = (-2 * Math.PI * dk * n) / C;
        re += w * Math.cos(a);
        im += w * Math.sin(a);
      }
      c2.set(`${l},${dk}`, re * re + im * im);
    }
  }
  const band: number[] = [];
  for (let k = 0; k < C; k++) if (!flags[k]) band.push(k);
  let total = 0;
  for (const k of band) {
    for (const k2 of band) {
      if (Math.abs(k - k2) > span) continue;
      for (let l = -(T - 1); l <= T - 1; l++) total += c2.get(`${l},${k - k2}`)!;
    }
  }
  return total / (band.length * c2.get('0,0')!);
}

export interface ScatterPoint { tau: number; ratio: number; sigma: number; points: number }

/** rms/expected of the series re-binned to m·τ₀ for each m, expected = √F·P/√(Bτ) (pfbNoiseFactor). */
export function scatterVsTau(s: PowerSeries, factors: readonly number[]): ScatterPoint[] {
  return factors.filter((m) => s.power.length / m >= 8).map((m) => {
    const n = Math.floor(s.power.length / m);
    const binned = Array.from({ length: n }, (_, b) => s.power.slice(b * m, (b + 1) * m).reduce((a, v) => a + v, 0) / m);
    const r = radiometerCheck(binned, s.bandwidth, m * s.tau0, { detrend: true });
    const f = Math.sqrt(s.factor);
    return { tau: m * s.tau0, ratio: r.ratio.value / f, sigma: r.ratio.sigma / f, points: n };
  });
}

/**
 * Allan variance normalised by the white-noise expectation σ²(τ₀)·τ₀/τ, and
 * the longest τ up to which it stays within 3σ of 1 (the series still
 * integrating down); `limited` false when that is the longest τ tested.
 */
export function integratesDownTo(s: PowerSeries): { points: AllanPoint[]; normalised: number[]; tau: number; limited: boolean } {
  const points = allanVariance(s.power, s.tau0);
  const white = points[0]!.variance * points[0]!.tau;
  const normalised = points.map((p) => (p.variance * p.tau) / white);
  // Stops integrating down where the variance rises above white noise's (a fall below it is noted, not a failure).
  let k = 0;
  while (k + 1 < points.length && normalised[k + 1]! - 1 <= 3 * (points[k + 1]!.sigma / points[k + 1]!.variance)) k++;
  return { points, normalised, tau: points[k]!.tau, limited: k + 1 < points.length };
}

/** Linear gain drift over the run (% of the mean, end minus start) with its 1σ. */
export function gainDrift(s: PowerSeries): { drift: number; sigma: number } {
  const n = s.power.length, tm = (n - 1) / 2;
  const mean = s.power.reduce((a, v) => a + v, 0) / n;
  let sxy = 0, sxx = 0;
  s.power.forEach((p, i) => {
    sxy += (i - tm) * (p - mean);
    sxx += (i - tm) ** 2;
  });
  const slope = sxy / sxx;
  let ss = 0;
  s.power.forEach((p, i) => (ss += (p - mean - slope * (i - tm)) ** 2));
  const slopeSigma = Math.sqrt(ss / (n - 2) / sxx);
  return { drift: (100 * slope * (n - 1)) / mean, sigma: (100 * slopeSigma * (n - 1)) / mean };
}

export function scatterPlot(series: Array<{ name: string; points: ScatterPoint[] }>): Plot {
  return {
    title: 'Scatter of the total power against the radiometer equation',
    x: { label: 'integration time τ (s)', log: true },
    y: { label: 'rms / (√F·P/√(Bτ))' },
    series: series.map((s) => ({ name: s.name, x: s.points.map((p) => p.tau), y: s.points.map((p) => p.ratio), style: 'points' as const })),
    marks: [{ y: 1, label: 'radiometer equation' }],
  };
}

export function allanPlots(s: PowerSeries, allan: ReturnType<typeof integratesDownTo>): Plot[] {
  const mean = s.power.reduce((a, v) => a + v, 0) / s.power.length;
  return [
    {
      title: 'Allan variance, normalised to white noise (1 = still integrating down)',
      x: { label: 'averaging time τ (s)', log: true },
      y: { label: 'σ²_A(τ)·τ / (σ²_A(τ₀)·τ₀)' },
      series: [{ name: 'measured', x: allan.points.map((p) => p.tau), y: allan.normalised, style: 'points' }],
      marks: [{ y: 1, label: 'white noise' }],
    },
    {
      title: 'Total power over the run (relative to its mean)',
      x: { label: 'time (s)' },
      y: { label: 'P / ⟨P⟩' },
      series: [{ name: 'per integration', x: s.power.map((_, i) => i * s.tau0), y: s.power.map((p) => p / mean) }],
    },
  ];
}
