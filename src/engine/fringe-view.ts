/**
 * What a group observation's page shows of its fringes: per baseline the
 * band-summed visibility normalised by its autos (real part, amplitude and
 * phase against time), its phase against frequency (the visibility summed
 * over the recording), the closure phase of every triangle against time,
 * and `fringe baseline` / `fringe size`'s fits (engine/fringes.ts), each
 * with the reason when the data cannot give one.
 */
import type { Store } from '../../observations/store/store.ts';
import type { FringeFits, FringeView } from '../api/types.ts';
import { baselineReport, FringeDataError, loadFringes, sizeReport } from './fringes.ts';

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
    cross.forEach(([a, b], k) => {
      const p = index(a, b), pa = index(a, a), pb = index(b, b);
      let sr = 0, si = 0, sa = 0, sb = 0;
      for (let j = 0; j < C; j++) {
        // The DC channel holds the dongles' LO leakage, not sky.
        const re = v[2 * (p * C + j)]!, im = v[2 * (p * C + j) + 1]!;
        spectrum[k]![2 * j] += re;
        spectrum[k]![2 * j + 1] += im;
        if (C > 2 && j === C / 2) continue;
        sr += re;
        si += im;
        sa += v[2 * (pa * C + j)]!;
        sb += v[2 * (pb * C + j)]!;
      }
      const norm = Math.sqrt(sa * sb) || 1;
      acc[k]![0] += sr / norm;
      acc[k]![1] += si / norm;
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
  const find = (a: number, b: number) => baselines.find((x) => x.a === a && x.b === b)!;
  const closures: FringeView['closures'] = [];
  for (let a = 0; a < N; a++) {
    for (let b = a + 1; b < N; b++) {
      for (let c = b + 1; c < N; c++) {
        const ab = find(a, b), bc = find(b, c), ac = find(a, c);
        // arg V_ab·V_bc·conj(V_ac): every antenna's phase cancels.
        closures.push({
          triangle: [a, b, c],
          deg: time.map((_, i) => {
            const xr = ab.re[i]! * bc.re[i]! - ab.im[i]! * bc.im[i]!, xi = ab.re[i]! * bc.im[i]! + ab.im[i]! * bc.re[i]!;
            return deg(xr * ac.re[i]! + xi * ac.im[i]!, xi * ac.re[i]! - xr * ac.im[i]!);
          }),
        });
      }
    }
  }
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
