/**
 * The RTL-SDR front end as the simulator models it: the sample rates and
 * gains the chip really applies, the baseband bandpass, the DC spike, the
 * gain that turns kelvins into ADC counts, and 8-bit quantisation with
 * clipping. Facts from ../../shared/reference/rtl-sdr.md (librtlsdr v2.0).
 */
import { DeviceError } from '../errors.ts';

/** RTL2832U crystal (Hz). */
const rtlXtal = 28_800_000;

/**
 * The sample rate (Hz) librtlsdr applies for a request (Hz):
 * 28.8 MHz·2²²/ratio with the ratio's two low bits cleared
 * (rtlsdr_set_sample_rate). Throws outside 225 001–300 000 and
 * 900 001–3 200 000 Hz, as the chip does (−EINVAL).
 */
export function realSampleRate(requested: number): number {
  if (!Number.isFinite(requested) || !((requested > 225_000 && requested <= 300_000) || (requested > 900_000 && requested <= 3_200_000))) {
    throw new DeviceError('limit', `sample rate ${requested} Hz is outside what an RTL-SDR accepts (225 001–300 000 or 900 001–3 200 000 Hz); 2 400 000 is the usual choice.`);
  }
  const two22 = 4194304;
  let ratio = Math.floor((rtlXtal * two22) / requested);
  ratio &= 0x0ffffffc;
  const real = ratio | ((ratio & 0x08000000) << 1);
  return (rtlXtal * two22) / real;
}

/** R820T/R828D tuner gains (dB), from the driver's table in tenths of dB. */
export const r820tGains: readonly number[] = [
  0, 0.9, 1.4, 2.7, 3.7, 7.7, 8.7, 12.5, 14.4, 15.7, 16.6, 19.7, 20.7, 22.9, 25.4, 28.0, 29.7, 32.8, 33.8, 36.4, 37.2, 38.6, 40.2, 42.1,
  43.4, 43.9, 44.5, 48.0, 49.6,
];

/** The table gain nearest a request (dB), as librtlsdr's rtlsdr_set_tuner_gain picks it. */
export function nearestGain(db: number): number {
  if (!Number.isFinite(db)) throw new DeviceError('invalid', `gain ${db} dB is not a number; give one of ${r820tGains.join(', ')} dB or 'auto'.`);
  let best = r820tGains[0];
  for (const g of r820tGains) if (Math.abs(g - db) < Math.abs(best - db)) best = g;
  return best;
}

/** Gain the simulated AGC settles on (dB) when the gain mode is 'auto'. */
export const autoGain = 40.2;

/** The front end's settings that shape the bytes. */
export interface FrontEndModel {
  /** Counts rms per I or Q component for a noise of `tsys` kelvin at 40 dB gain (byte units). Default 20. */
  countsRms: number;
  /** Passband edge: the −3 dB point as a fraction of the Nyquist frequency (fs/2). Default 0.85. */
  bandpassEdge: number;
  /** Steepness of the rolloff (Butterworth order of |H|²). Default 8. */
  bandpassOrder: number;
  /** DC offset of I and Q (byte counts at 40 dB; the LO leakage that makes the DC spike). */
  dcOffset: [number, number];
  /**
   * Sample loss like a busy USB bus (rtl-sdr.md, "Sample loss"): before each
   * block, with this probability (0…1, default 0), a gap of 1…`dropSamples`
   * samples is lost and reported in Block.dropped. Drops fall on block
   * boundaries, so with drops on the bytes depend on the block size.
   */
  dropProbability: number;
  /** Longest gap (samples). Default 16 384. */
  dropSamples: number;
}

/**
 * Power response |H(f)|² of the baseband chain at the fraction x = f/(fs/2)
 * (−1…1) of Nyquist: flat in the middle, a Butterworth-shaped rolloff near the
 * edges, the shape of the RTL2832U's decimation filter (≈ 1 dB droop at 0.7
 * of Nyquist, a steep fall above 0.85: measured spectra of any RTL-SDR with a
 * 50 Ω load show it). The edge ripple and the small alias of the far band are
 * not modelled.
 */
export function bandpassPower(x: number, model: FrontEndModel): number {
  const r = Math.abs(x) / model.bandpassEdge;
  return 1 / (1 + Math.pow(r, 2 * model.bandpassOrder));
}

/** Per-bin power response for an L-point FFT in natural order (bin k ≥ L/2 is negative frequency). */
export function bandpassBins(L: number, model: FrontEndModel): Float32Array {
  const out = new Float32Array(L);
  for (let k = 0; k < L; k++) {
    const kk = k < L / 2 ? k : k - L;
    out[k] = bandpassPower((2 * kk) / L, model);
  }
  return out;
}

/** Mean of the bandpass over the band: the fraction of white-noise power that passes. */
export function bandpassMean(model: FrontEndModel, L = 4096): number {
  const b = bandpassBins(L, model);
  let s = 0;
  for (let k = 0; k < L; k++) s += b[k];
  return s / L;
}

/**
 * Counts per √K: the scale that maps a noise of T kelvin (per-component
 * variance T in model units) to byte counts at tuner gain `gainDb`, so that
 * T = tsys at 40 dB gives `countsRms` counts rms per component (an RTL-SDR
 * loaded to ≈ 20 counts rms uses about 5 of its 8 bits, a healthy level).
 */
export function countsPerRootKelvin(model: FrontEndModel, tsys: number, gainDb: number): number {
  return (model.countsRms / Math.sqrt(tsys)) * Math.pow(10, (gainDb - 40) / 20);
}

/**
 * Quantises counts to cu8: byte = clamp(⌊c + 128⌋, 0, 255), a mid-rise
 * quantiser whose levels are reconstructed as byte − 127.5 (rtl-sdr.md), so
 * zero-mean input gives zero-mean output; 0 and 255 are clipped samples.
 */
export function quantise(counts: number): number {
  const b = counts + 128;
  return b < 0 ? 0 : b >= 255 ? 255 : b | 0;
}
