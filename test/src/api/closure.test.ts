import { describe, expect, it } from 'vitest';
import { closurePhases, fromPolar } from '../../../src/api/closure.ts';

describe('closure phases (shared by the Live page and a recording’s fringes)', () => {
  it('cancel every antenna phase and give back a known closure, for every triangle of four inputs', () => {
    const antenna = [10, -73, 120, 44]; // degrees
    // A source whose baseline phases are ψ_ab, plus the antennas' φ_a − φ_b; amplitudes positive, any normalisation.
    const psi = (a: number, b: number) => (a === 0 && b === 1 ? 30 : a === 1 && b === 3 ? -12 : 0);
    const baselines = [];
    for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) baselines.push({ a, b, ...fromPolar([0.4, 2], [antenna[a]! - antenna[b]! + psi(a, b), antenna[a]! - antenna[b]! + psi(a, b)]) });
    const c = closurePhases(baselines);
    expect(c.map((x) => x.triangle)).toEqual([[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]);
    // ψ_ab + ψ_bc − ψ_ac: 30, 30 + (−12), 0, −(−12).
    const expected = [30, 18, 0, 12];
    c.forEach((x, k) => x.deg.forEach((d) => expect(d).toBeCloseTo(expected[k]!, 9)));
  });

  it('wraps to −180…180 and leaves out triangles a baseline is missing from', () => {
    const v = (a: number, b: number, deg: number) => ({ a, b, ...fromPolar([1], [deg]) });
    expect(closurePhases([v(0, 1, 170), v(1, 2, 170), v(0, 2, 0)])[0]!.deg[0]).toBeCloseTo(-20, 9);
    expect(closurePhases([v(0, 1, 170), v(1, 2, 170)])).toEqual([]);
  });
});
