/**
 * Correlator measurements (issue 15): the PFB's channel response against a
 * plain FFT, linearity and the clipping point, a tone's amplitude and phase,
 * the delay phase slope and fractional delays, every backend against the
 * float64 reference, and spectral kurtosis of noise. Each is a pure function
 * of seeded inputs, used by both the qualification run and the tests.
 */
import type { FxBackend } from '../../correlator/backend.ts';
import { baselineIndex } from '../../correlator/baselines.ts';
import { CpuBackend } from '../../correlator/cpu.ts';
import { prototypeFilter } from '../../correlator/pfb.ts';
import { Pipeline } from '../../correlator/pipeline.ts';
import { fft64, referenceIntegrations } from '../../correlator/reference.ts';
import { spectralKurtosis } from '../../correlator/sk.ts';
import type { Calibration, FxConfig, Integration } from '../../correlator/types.ts';
import { fractionalDelay } from '../analysis/phase.ts';
import { add, delayed, noise, noiseCu8, randomCu8, relativeToPeak, rng, toCu8, tone, type Complex } from '../analysis/signals.ts';
import type { Measurement } from './types.ts';

const dB = (p: number) => 10 * Math.log10(p);

/** Streams through a Pipeline on `backend` in blocks of `block` samples (inputs interleaved), calibration set first; closes the backend. */
export async function correlateStreams(
  backend: FxBackend,
  streams: readonly Uint8Array[],
  calibration?: Calibration,
  block = 16384,
  options: { keep?: boolean } = {},
): Promise<Integration[]> {
  const pipeline = new Pipeline(backend);
  if (calibration) pipeline.setCalibration(calibration);
  const out: Integration[] = [];
  try {
    const samples = Math.max(...streams.map((s) => s.length / 2));
    for (let at = 0; at < samples; at += block) {
      for (let a = 0; a < streams.length; a++) {
        const data = streams[a]!.subarray(2 * at, 2 * Math.min(at + block, streams[a]!.length / 2));
        if (data.length) out.push(...(await pipeline.push({ input: a, firstSample: at, data, receivedAt: 0, dropped: 0 })));
      }
    }
    out.push(...(await pipeline.end()));
  } finally {
    if (!options.keep) await backend.close();
  }
  return out;
}

const cpu = (config: FxConfig) => CpuBackend.create(config, { threads: 1 });

/** Response of channel j (power, linear, relative to a tone at its centre) to a unit tone δ channels off its centre: one spectrum of float samples (no quantisation), PFB or a rectangular FFT. */
export function channelResponse(C: number, T: number, offsets: readonly number[], kind: 'pfb' | 'fft'): number[] {
  const j = C / 2 + 3;
  const h = kind === 'pfb' ? prototypeFilter(C, T) : Float64Array.from({ length: C }, () => 1);
  const taps = kind === 'pfb' ? T : 1;
  const at = (delta: number) => {
    const x = tone(taps * C, 1, (j + delta - C / 2) / C);
    const yr = new Float64Array(C), yi = new Float64Array(C);
    for (let m = 0; m < C; m++) {
      for (let t = 0; t < taps; t++) {
        yr[m] += h[t * C + m]! * x.re[t * C + m]!;
        yi[m] += h[t * C + m]! * x.im[t * C + m]!;
      }
    }
    fft64(yr, yi);
    const k = (j + C / 2) % C; // fft-shifted channel j is FFT bin (j + C/2) mod C
    return yr[k]! ** 2 + yi[k]! ** 2;
  };
  const centre = at(0);
  return offsets.map((d) => at(d) / centre);
}

export interface PfbShape {
  /** Full width at −3 dB (channels). */
  width3dB: number;
  /** Worst response (dB) to a tone in the central half of a neighbouring channel (|δ| 0.75 … 1.25). */
  adjacentLeakage: number;
  /** Worst response (dB) to a tone anywhere in a channel two or more away (|δ| ≥ 1.5). */
  farLeakage: number;
  /** Peak-to-peak response (dB) over the central half of the channel (|δ| ≤ 0.25). */
  ripple: number;
}

/** The −3 dB width, adjacent leakage and ripple of a response sampled at `offsets` (ascending, symmetric about 0). */
export function pfbShape(offsets: readonly number[], response: readonly number[]): PfbShape {
  const r = response.map(dB);
  const crossing = (side: 1 | -1) => {
    const idx = offsets.map((_, i) => i).filter((i) => side * offsets[i]! >= 0).sort((a, b) => Math.abs(offsets[a]!) - Math.abs(offsets[b]!));
    for (let k = 1; k < idx.length; k++) {
      const p = idx[k - 1]!, q = idx[k]!;
      if (r[p]! >= -3 && r[q]! < -3) return Math.abs(offsets[p]! + ((-3 - r[p]!) / (r[q]! - r[p]!)) * (offsets[q]! - offsets[p]!));
    }
    return NaN;
  };
  let leak = -Infinity, far = -Infinity, lo = Infinity, hi = -Infinity;
  offsets.forEach((d, i) => {
    if (Math.abs(d) >= 0.75 && Math.abs(d) <= 1.25) leak = Math.max(leak, r[i]!);
    if (Math.abs(d) >= 1.5) far = Math.max(far, r[i]!);
    if (Math.abs(d) <= 0.25) {
      lo = Math.min(lo, r[i]!);
      hi = Math.max(hi, r[i]!);
    }
  });
  return { width3dB: crossing(1) + crossing(-1), adjacentLeakage: leak, farLeakage: far, ripple: hi - lo };
}

/** The PFB channel (C = 64, T = 4) and a rectangular FFT swept with a tone over ±2.5 channels. */
export function measurePfb(quick: boolean): { pfb: PfbShape; fft: PfbShape; plot: Measurement['plots'] } {
  const C = 64, T = 4, step = quick ? 1 / 64 : 1 / 256;
  const offsets: number[] = [];
  for (let d = -2.5; d <= 2.5 + 1e-9; d += step) offsets.push(Math.round(d / step) * step);
  const p = channelResponse(C, T, offsets, 'pfb'), f = channelResponse(C, T, offsets, 'fft');
  const floor = (v: number) => Math.max(dB(v), -120);
  return {
    pfb: pfbShape(offsets, p),
    fft: pfbShape(offsets, f),
    plot: [{
      title: 'Channel response: PFB (T = 4) against a plain FFT',
      x: { label: 'tone offset from the channel centre (channels)' },
      y: { label: 'response (dB)' },
      series: [
        { name: 'PFB, T = 4', x: offsets, y: p.map(floor) },
        { name: 'FFT (rectangular)', x: offsets, y: f.map(floor) },
      ],
      marks: [{ y: -3, label: '−3 dB' }, { y: -20, label: 'adjacent limit' }, { y: -60, label: 'far limit' }],
    }],
  };
}

export interface Linearity {
  /** Input rms per component (counts) of each step. */
  counts: number[];
  /** Total power relative to the Sheppard-corrected law g·(σ² + 1/12) fitted at 8 counts (dB). */
  deviation: number[];
  /** Largest |deviation| up to `linearTo` counts (dB). */
  worst: number;
  linearTo: number;
  /** Input rms (counts) at 1 dB compression, interpolated; null when not reached. */
  clip1dB: number | null;
  /** Fraction of samples counted clipped at each step. */
  clippedFraction: number[];
}

/**
 * Linearity of the CPU backend: one seeded noise stream scaled to rms σ
 * counts (1 … 192), quantised like a dongle, total power against σ² plus the
 * quantisation noise 1/12 LSB² (Sheppard), the gain fitted at 8 counts.
 */
export async function measureLinearity(seed: number, quick: boolean): Promise<Linearity> {
  const C = 64, T = 4, K = quick ? 400 : 2000;
  const S = (K - 1) * C + T * C;
  const base = noise(S, 1, seed);
  let s2 = 0;
  for (let k = 0; k < S; k++) s2 += base.re[k]! ** 2 + base.im[k]! ** 2;
  const unit = Math.sqrt(s2 / (2 * S)); // the float noise's own rms per component
  const counts = [1, 2, 4, 8, 16, 24, 32, 48, 64, 80, 96, 128, 160, 192];
  const power: number[] = [], clipped: number[] = [];
  const backend = await cpu({ inputs: 1, channels: C, taps: T, spectraPerIntegration: K });
  for (const c of counts) {
    const k = c / unit / 127.5;
    const bytes = toCu8({ re: base.re.map((v) => v * k), im: base.im.map((v) => v * k) });
    const [v] = await correlateStreams(backend, [bytes], undefined, 16384, { keep: c !== counts.at(-1) });
    let total = 0;
    for (let j = 0; j < C; j++) total += v!.visibilities[2 * j]!;
    power.push(total);
    clipped.push(v!.clipped[0]! / (v!.spectra * C));
  }
  const law = (c: number) => c * c + 1 / 12;
  const g = power[counts.indexOf(8)]! / law(8);
  const deviation = counts.map((c, i) => dB(power[i]! / (g * law(c))));
  const linearTo = 32;
  const worst = Math.max(...deviation.filter((_, i) => counts[i]! <= linearTo).map(Math.abs));
  let clip1dB: number | null = null;
  for (let i = 1; i < counts.length && clip1dB === null; i++) {
    if (deviation[i]! <= -1 && deviation[i - 1]! > -1) {
      const f = (-1 - deviation[i - 1]!) / (deviation[i]! - deviation[i - 1]!);
      clip1dB = counts[i - 1]! + f * (counts[i]! - counts[i - 1]!);
    }
  }
  return { counts, deviation, worst, linearTo, clip1dB, clippedFraction: clipped };
}

export function linearityPlot(l: Linearity): NonNullable<Measurement['plots']> {
  return [{
    title: 'Linearity: power against input level (gain fitted at 8 counts rms)',
    x: { label: 'input rms per component (counts)', log: true },
    y: { label: 'deviation from g·(σ² + 1/12) (dB)' },
    series: [{ name: 'CPU backend', x: l.counts, y: l.deviation, style: 'points' }],
    marks: [{ y: -1, label: '1 dB compression' }],
  }];
}

/** A tone in channel 40 of 64 on two inputs with a 1.1 rad phase difference: amplitude error (%) and phase error (rad). */
export async function measureTone(backend: (c: FxConfig) => Promise<FxBackend> = cpu): Promise<{ amplitudeError: number; phaseError: number; config: Record<string, unknown> }> {
  const C = 64, T = 4, K = 20, j = 40, A = 0.6, phase = 0.7, diff = 1.1;
  const S = (K - 1) * C + T * C;
  const x0 = tone(S, A, (j - C / 2) / C, phase), x1 = tone(S, A, (j - C / 2) / C, phase - diff);
  const [v] = await correlateStreams(await backend({ inputs: 2, channels: C, taps: T, spectraPerIntegration: K }), [toCu8(x0), toCu8(x1)]);
  const sumH = prototypeFilter(C, T).reduce((s, h) => s + h, 0);
  const auto = v!.visibilities[2 * (baselineIndex(2, 0, 0) * C + j)]!;
  const p = baselineIndex(2, 0, 1);
  const got = Math.atan2(v!.visibilities[2 * (p * C + j) + 1]!, v!.visibilities[2 * (p * C + j)]!);
  return {
    amplitudeError: 100 * Math.abs(Math.sqrt(auto / K) / (A * sumH) - 1),
    phaseError: Math.abs(got - diff),
    config: { channels: C, taps: T, spectra: K, channel: j, amplitude: A, phaseDifference: diff },
  };
}

/** The cross spectrum's fractional delay (phase.ts) of an integration of two inputs. */
function delayOf(v: Integration, C: number) {
  const p = (a: number, b: number) => v.visibilities.subarray(2 * baselineIndex(2, a, b) * C, 2 * (baselineIndex(2, a, b) + 1) * C);
  const flags = new Uint8Array(C);
  for (let j = 0; j < C; j++) if (Math.abs(j - C / 2) >= 0.35 * C) flags[j] = 1;
  return fractionalDelay(p(0, 1), { autos: { a: p(0, 0), b: p(1, 1), spectra: v.spectra }, flags });
}

export interface DelayResult {
  /** Measured delay (samples) ± σ for each true delay, with no correction, and the residual after setCalibration applies the true delay. */
  cases: Array<{ truth: number; measured: number; sigma: number; residual: number; residualSigma: number }>;
  /** Worst |measured − truth| (samples). */
  worstError: number;
  /** Worst |residual| after correction (samples). */
  worstResidual: number;
  plot: NonNullable<Measurement['plots']>;
}

/**
 * Band-limited noise (|ν| < 0.4) delayed exactly by d samples (any fraction,
 * signals.ts `delayed`) on input 1: the cross phase slope gives d (2πd/C per
 * channel), and with setCalibration({ delays: [0, d] }) the residual is 0.
 */
export async function measureDelays(seed: number, quick: boolean): Promise<DelayResult> {
  const C = 64, T = 4, L = quick ? 1 << 16 : 1 << 18;
  const x = noise(L, 20 / 127.5, seed);
  // Band-limit by zeroing |ν| ≥ 0.4 through the same frequency-domain delay (0 samples).
  const band = (s: Complex) => {
    const re = Float64Array.from(s.re), im = Float64Array.from(s.im);
    fft64(re, im);
    for (let k = 0; k < L; k++) if (Math.abs(k < L / 2 ? k / L : k / L - 1) >= 0.4) re[k] = im[k] = 0;
    for (let k = 0; k < L; k++) im[k] = -im[k]!;
    fft64(re, im);
    return { re: re.map((v) => v / L), im: im.map((v) => -v / L) };
  };
  const early = band(x);
  const truths = quick ? [3, 3.25, 0.5] : [1, 3, 3.25, 0.5, 7.75, 12.1];
  const cases: DelayResult['cases'] = [];
  const K = Math.floor((L - T * C - 16) / C);
  for (const d of truths) {
    const streams = [toCu8(early), toCu8(delayed(early, d))];
    const config = { inputs: 2, channels: C, taps: T, spectraPerIntegration: K };
    const [raw] = await correlateStreams(await cpu(config), streams);
    const [fixed] = await correlateStreams(await cpu(config), streams, { delays: [0, d] });
    const m = delayOf(raw!, C), r = delayOf(fixed!, C);
    cases.push({ truth: d, measured: m.delay.value, sigma: m.delay.sigma, residual: r.delay.value, residualSigma: r.delay.sigma });
  }
  return {
    cases,
    worstError: Math.max(...cases.map((c) => Math.abs(c.measured - c.truth))),
    worstResidual: Math.max(...cases.map((c) => Math.abs(c.residual))),
    plot: [{
      title: 'Delay from the cross phase slope: measured − true, before and after correction',
      x: { label: 'true delay (samples)' },
      y: { label: 'error (samples)' },
      series: [
        { name: 'uncorrected: slope 2πd/C gives d', x: cases.map((c) => c.truth), y: cases.map((c) => c.measured - c.truth), style: 'points' },
        { name: 'after setCalibration({delays})', x: cases.map((c) => c.truth), y: cases.map((c) => c.residual), style: 'points' },
      ],
      marks: [{ y: 0, label: '' }],
    }],
  };
}

/** Configurations every backend is compared on (a subset of the conformance suite's spread, plus the station's C = 1024). */
export function backendCases(quick: boolean): FxConfig[] {
  const all: FxConfig[] = [
    { inputs: 2, channels: 1024, taps: 4, spectraPerIntegration: 16 },
    { inputs: 4, channels: 64, taps: 4, spectraPerIntegration: 33, delays: [0, 3, 17, 5] },
    { inputs: 1, channels: 4096, taps: 16, spectraPerIntegration: 3 },
    { inputs: 8, channels: 256, taps: 4, spectraPerIntegration: 10 },
    { inputs: 3, channels: 16, taps: 8, spectraPerIntegration: 50, mode: 'autos' },
  ];
  return quick ? all.slice(0, 3) : all;
}

/** Worst relative-to-peak error of `make`'s integrations against the float64 reference over `cases` (half the inputs clipping random bytes, half Gaussian noise). */
export async function backendAgreement(make: (c: FxConfig) => Promise<FxBackend>, cases: readonly FxConfig[], seed: number): Promise<{ worst: number; perCase: number[] }> {
  const perCase: number[] = [];
  for (const [i, c] of cases.entries()) {
    const samples = 3 * c.spectraPerIntegration * c.channels + c.taps * c.channels + 51;
    const streams = Array.from({ length: c.inputs }, (_, a) => (a % 2 ? randomCu8(samples, seed + 10 * i + a) : noiseCu8(samples, 25, seed + 10 * i + a)));
    const expected = await referenceIntegrations(c, streams);
    const got = await correlateStreams(await make(c), streams, undefined, 4099);
    if (got.length !== expected.length) throw new Error(`backend gave ${got.length} integrations where the reference gave ${expected.length}`);
    perCase.push(Math.max(...got.map((g, k) => Math.max(relativeToPeak(g.visibilities, expected[k]!.visibilities), relativeToPeak(g.power2, expected[k]!.power2)))));
  }
  return { worst: Math.max(...perCase), perCase };
}

/** Mean SK over the band of white noise (C = 128, K = 256, 8-bit), with its standard error, and SK of a pulsed tone's channel. */
export async function measureSk(seed: number): Promise<{ mean: number; sigma: number; pulsed: number; sk: number[] }> {
  const C = 128, T = 4, K = 256;
  const S = (K - 1) * C + T * C;
  const white = noise(S, 0.15, seed);
  const pulse = tone(S, 0.3, (90 - C / 2) / C);
  for (let k = 0; k < S; k++) if (Math.floor(k / (8 * C)) % 4 !== 0) pulse.re[k] = pulse.im[k] = 0;
  const config: FxConfig = { inputs: 2, channels: C, taps: T, spectraPerIntegration: K, mode: 'autos' };
  const [v] = await correlateStreams(await cpu(config), [toCu8(white), toCu8(add(white, pulse))]);
  const sk = spectralKurtosis(v!, 2, C, 'autos');
  const band = Array.from({ length: C - 16 }, (_, i) => i + 8).filter((j) => j !== C / 2);
  const mean = band.reduce((s, j) => s + sk[j]!, 0) / band.length;
  return { mean, sigma: 2 / Math.sqrt(K) / Math.sqrt(band.length), pulsed: sk[C + 90]!, sk: Array.from(sk.subarray(0, C)) };
}

export { rng };
