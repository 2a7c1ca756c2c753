/**
 * Closure phases, shared by the engine (a recording's fringes,
 * engine/fringe-view.ts) and the UI (the Live page's fringes), so that both
 * show the same numbers from the same band sums (pure: no Node modules).
 *
 * For a triangle a < b < c the closure phase is arg V_ab·V_bc·conj(V_ac)
 * (degrees, −180…180): every antenna's phase cancels, so it is 0 on a point
 * source (and on any centrally symmetric one) whatever the calibration. Each
 * V is a baseline's visibility summed over one channel set common to all
 * baselines (engine/spectrum.ts groupBaselines); normalisation by real
 * positive numbers (the autos) does not change it.
 */

/** One baseline's band-summed visibility against time: real and imaginary parts (any real positive normalisation). */
export interface BandVisibility {
  a: number;
  b: number;
  re: ArrayLike<number>;
  im: ArrayLike<number>;
}

/** Polar (amplitude, phase in degrees) to the real and imaginary parts closurePhases takes. */
export function fromPolar(amplitude: ArrayLike<number>, phaseDeg: ArrayLike<number>): { re: number[]; im: number[] } {
  const re: number[] = [], im: number[] = [];
  for (let i = 0; i < amplitude.length; i++) {
    const p = (phaseDeg[i]! * Math.PI) / 180;
    re.push(amplitude[i]! * Math.cos(p));
    im.push(amplitude[i]! * Math.sin(p));
  }
  return { re, im };
}

/** The closure phase (degrees) of every triangle a < b < c the baselines hold, at each time (the shortest series sets how many). */
export function closurePhases(baselines: readonly BandVisibility[]): { triangle: [number, number, number]; deg: number[] }[] {
  const find = (a: number, b: number) => baselines.find((x) => x.a === a && x.b === b);
  const inputs = Math.max(0, ...baselines.map((x) => Math.max(x.a, x.b) + 1));
  const out: { triangle: [number, number, number]; deg: number[] }[] = [];
  for (let a = 0; a < inputs; a++) {
    for (let b = a + 1; b < inputs; b++) {
      for (let c = b + 1; c < inputs; c++) {
        const ab = find(a, b), bc = find(b, c), ac = find(a, c);
        if (!ab || !bc || !ac) continue;
        const n = Math.min(ab.re.length, bc.re.length, ac.re.length);
        const deg: number[] = [];
        for (let i = 0; i < n; i++) {
          const xr = ab.re[i]! * bc.re[i]! - ab.im[i]! * bc.im[i]!, xi = ab.re[i]! * bc.im[i]! + ab.im[i]! * bc.re[i]!;
          deg.push((Math.atan2(xi * ac.re[i]! - xr * ac.im[i]!, xr * ac.re[i]! + xi * ac.im[i]!) * 180) / Math.PI);
        }
        out.push({ triangle: [a, b, c], deg });
      }
    }
  }
  return out;
}
