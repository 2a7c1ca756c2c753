/**
 * Turning a live integration into the spectrum event the UI plots: each
 * input's power per spectrum, spectral kurtosis and its RFI flags, band
 * power, and for a group each baseline's coherence. Time is sky time.
 */
import type { SpectrumEvent } from '../api/types.ts';
import { baselineIndex } from '../../correlator/baselines.ts';
import { spectralKurtosis } from '../../correlator/sk.ts';
import type { Integration } from '../../correlator/types.ts';
import { bandCoherence, type Coherence } from '../analysis/coherence.ts';
import { bandPower, channelFlags } from '../analysis/rfi.ts';
import type { StageCounts } from '../../devices/sdr/block-queue.ts';
import type { Session } from './session.ts';
import { kelvinOf } from './live-kelvin.ts';

/** Each input's spectral kurtosis and channel flags in an integration (rfi.ts: band edges, the DC channel, SK outliers). */
export function integrationFlags(i: { spectra: number; visibilities: ArrayLike<number>; power2: ArrayLike<number> }, N: number, C: number, mode: 'full' | 'autos'): { sk: Float64Array; flags: Uint8Array[] } {
  const K = i.spectra;
  const sk = K >= 2 ? spectralKurtosis(i, N, C, mode) : new Float64Array(N * C).fill(1);
  return { sk, flags: Array.from({ length: N }, (_, a) => channelFlags(C, sk.subarray(a * C, (a + 1) * C), K)) };
}

/**
 * A group's band-summed baselines (coherence, phase), as the Live page and a
 * recording's fringes (fringe-view.ts) show them: bandCoherence over the
 * channels no input flags, one channel set for every baseline, so that a
 * triangle's closure phase (api/closure.ts) compares like with like.
 */
export function groupBaselines(i: { visibilities: ArrayLike<number> }, N: number, C: number, flags: readonly Uint8Array[]): Coherence[] {
  const common = new Uint8Array(C);
  for (const f of flags) for (let j = 0; j < C; j++) common[j] |= f[j]!;
  return bandCoherence(i, N, C, flags.map(() => common));
}

export function spectrumEvent(session: Session, i: Integration, stages: StageCounts[], recording: number | null): SpectrumEvent {
  const { inputs: N, channels: C, mode } = session.pipeline!.config;
  const K = i.spectra;
  const { sk, flags: flagsOf } = integrationFlags(i, N, C, mode);
  const power: Float32Array[] = [], skOf: Float32Array[] = [];
  for (let a = 0; a < N; a++) {
    const p = mode === 'full' ? baselineIndex(N, a, a) : a;
    const pw = new Float32Array(C);
    for (let j = 0; j < C; j++) pw[j] = i.visibilities[2 * (p * C + j)]! / K;
    power.push(pw);
    skOf.push(Float32Array.from(sk.subarray(a * C, (a + 1) * C)));
  }
  const tuning = session.source.tuning;
  // In kelvin the band's power is the mean over the unflagged channels (the band's system temperature), not their sum.
  const kelvin = kelvinOf(session, i.calibration);
  const total = (pw: Float32Array, a: number) => {
    const sum = bandPower(pw, flagsOf[a]!);
    if (!kelvin) return sum;
    const n = flagsOf[a]!.reduce((c, f) => c + (f ? 0 : 1), 0);
    return n > 0 ? sum / n : NaN;
  };
  return {
    time: session.timeOfSample(i.firstSample),
    centerFrequency: tuning.centerFrequency,
    sampleRate: tuning.sampleRate,
    channels: C,
    spectra: K,
    power,
    sk: skOf,
    totalPower: power.map(total),
    clipped: i.clipped,
    dropped: i.dropped,
    stages,
    recording,
    ...(mode === 'full' && N > 1 ? { baselines: groupBaselines(i, N, C, flagsOf) } : {}),
    kelvin,
  };
}
