/**
 * What a group observation's page shows of its fringes: per baseline the
 * band-summed visibility normalised by its autos, over the channels no input
 * flags, as the Live page has it (spectrum.ts groupBaselines) (real part, amplitude and
 * phase against time), its phase against frequency (the visibility summed
 * over the recording), the closure phase of every triangle against time,
 * and `fringe baseline` / `fringe size`'s fits (engine/fringes.ts), each
 * with the reason when the data cannot give one.
 */
import type { Store } from '../../observations/store/store.ts';
import type { FringeFits, FringeView } from '../api/types.ts';
import { baselineReport, FringeDataError, loadFringes, sizeReport } from './fringes.ts';
import { closurePhases } from '../api/closure.ts';
import { groupBaselines, integrationFlags } from './spectrum.ts';

/** The fringes of observation `id`, at most `maxPoints` per series (means of consecutive integrations beyond that). */
export function fringeView(store: Store, id: number, maxPoints = 2000): FringeView {
  const obs = store.getObservation(id);
  const fx = obs.config.fx;
  const N = fx.inputs, C = fx.channels;
  if (N < 2 || fx.mode !== 'full') throw new FringeDataError(`observation ${id} has no cross products (${N} input${N === 1 ? '' : 's'}, mode ${fx.mode}): its fringes are a group's`);
  const pairs: [number, number][] = [];
  for (let a = 0; a < N; a++) for (let b = a; b < N; b++) pairs.push([a, b]);
  const index = (a: number, b: number) => pairs.findIndex(([x, y]) => x === a && y === b);
  const cross = pairs.filter(([a, b]) => a < b);
  const T = store.integrationTimes(id).length;
  const step = Math.max(1, Math.ceil(T / maxPoints));
  const time: number[] = [];
  const series = cross.map(() => ({ re: [] as number[], im: [] as number[] }));
  const spectrum = cross.map(() => new Float64Array(2 * C));
  let acc = cross.map(() => [0, 0]), accTime = 0, n = 0;
  const flush = () => {
    if (n === 0) return;
    time.push(accTime / n);
    acc.forEach(([r, i], k) => {
      series[k]!.re.push(r! / n);
      series[k]!.im.push(i! / n);
    });
    acc = cross.map(() => [0, 0]);
    accTime = 0;
    n = 0;
  };
  for (const it of store.integrations(id)) {
    if (it.spectra === 0) continue;
    const v = it.visibilities;
    cross.forEach((_, k) => {
      const p = index(...cross[k]!);
      for (let j = 0; j < C; j++) {
        spectrum[k]![2 * j] += v[2 * (p * C + j)]!;
        spectrum[k]![2 * j + 1] += v[2 * (p * C + j) + 1]!;
      }
    });
    // The band sums the Live page shows (spectrum.ts groupBaselines: the channels no input flags), normalised by the autos.
    const bands = groupBaselines(it, N, C, integrationFlags(it, N, C, 'full').flags);
    bands.forEach((x, k) => {
      acc[k]![0] += x.coherence * Math.cos((x.phase * Math.PI) / 180);
      acc[k]![1] += x.coherence * Math.sin((x.phase * Math.PI) / 180);
    });
    accTime += it.time + it.duration / 2;
    if (++n === step) flush();
  }
  flush();
  const deg = (re: number, im: number) => (Math.atan2(im, re) * 180) / Math.PI;
  const baselines = cross.map(([a, b], k) => {
    const s = series[k]!;
    return {
      a, b, re: s.re, im: s.im,
      amplitude: s.re.map((r, i) => Math.hypot(r, s.im[i]!)),
      phaseDeg: s.re.map((r, i) => deg(r, s.im[i]!)),
      spectrumPhaseDeg: Array.from({ length: C }, (_, j) => deg(spectrum[k]![2 * j]!, spectrum[k]![2 * j + 1]!)),
    };
  });
  // The same function as the Live page's (api/closure.ts).
  const closures: FringeView['closures'] = closurePhases(baselines);
  const freq = Array.from({ length: C }, (_, j) => obs.config.tuning.centerFrequency + ((j - C / 2) * obs.config.tuning.sampleRate) / C);
  return { id, step, time, frequency: freq, baselines, closures };
}

/** `fringe baseline` and `fringe size` on observation `id` (phase centre as recorded), each its result or why there is none. */
export function fringeFits(store: Store, id: number, windowSeconds = 300): FringeFits {
  let data;
  try {
    data = loadFringes(store, id, null);
  } catch (err) {
    const error = (err as Error).message;
    return { baseline: { error }, size: { error } };
  }
  const attempt = <T>(f: () => T): T | { error: string } => {
    try {
      return f();
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  return {
    baseline: attempt(() => baselineReport(data, windowSeconds)),
    size: attempt(() => {
      const s = sizeReport(data, windowSeconds);
      return { diameter_deg: s.diameterDeg ?? null, verdict: s.verdict, nulls: s.nulls, a: s.a, b: s.b };
    }),
  };
}
