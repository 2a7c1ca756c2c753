/**
 * Turning a live integration into the spectrum event the UI plots: each
 * input's power per spectrum, spectral kurtosis and its RFI flags, band
 * power, and for a group each baseline's coherence. Time is sky time.
 */
import type { SpectrumEvent } from '../api/types.ts';
import { baselineIndex } from '../../correlator/baselines.ts';
import { spectralKurtosis } from '../../correlator/sk.ts';
import type { Integration } from '../../correlator/types.ts';
import { bandCoherence } from '../analysis/coherence.ts';
import { bandPower, channelFlags } from '../analysis/rfi.ts';
import type { StageCounts } from '../../devices/sdr/block-queue.ts';
import type { Session } from './session.ts';
import { kelvinOf } from './live-kelvin.ts';

export function spectrumEvent(session: Session, i: Integration, stages: StageCounts[], recording: number | null): SpectrumEvent {
  const { inputs: N, channels: C, mode } = session.pipeline!.config;
  const K = i.spectra;
  const sk = K >= 2 ? spectralKurtosis(i, N, C, mode) : new Float64Array(N * C).fill(1);
  const power: Float32Array[] = [], skOf: Float32Array[] = [], flagsOf: Uint8Array[] = [];
  for (let a = 0; a < N; a++) {
    const p = mode === 'full' ? baselineIndex(N, a, a) : a;
    const pw = new Float32Array(C);
    for (let j = 0; j < C; j++) pw[j] = i.visibilities[2 * (p * C + j)]! / K;
    power.push(pw);
    skOf.push(Float32Array.from(sk.subarray(a * C, (a + 1) * C)));
    flagsOf.push(channelFlags(C, sk.subarray(a * C, (a + 1) * C), K));
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
    ...(mode === 'full' && N > 1 ? { baselines: bandCoherence(i, N, C, flagsOf) } : {}),
    kelvin,
  };
}
