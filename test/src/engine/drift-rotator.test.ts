/**
 * The live sun drift through a connected rotator (engine/drift-run.ts with
 * `rotator`): the simulator's dish follows a sim-driver RotatorControl (its
 * slew rates apply, the scenario's hidden pointingError is added to where it
 * stands), so the drift and the elevation scan measure that error through
 * the rotator's own moves. The rotator's controller here rounds every
 * command to 0.1° (as a real controller rounds to its resolution): the
 * pointing recorded must be where the rotator reports standing, not where
 * the sun was, so every recorded position is a multiple of 0.1°.
 * Tolerances from issue 12: HPBW 3 %, pointing 0.1 beam.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { beamFwhm } from '../../../devices/sim/beam.ts';
import { parseScenario } from '../../../devices/sim/scenario.ts';
import { driftPlanView, runDrift } from '../../../src/engine/drift-run.ts';
import { RotatorControl } from '../../../src/engine/rotator.ts';
import { Store } from '../../../observations/store/store.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(scenario: Record<string, unknown>): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fringe-drift-rot-'));
  dirs.push(dir);
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  return { dir, file };
}

const scenario = {
  seed: 31, site: { lat: 45, lon: 10 }, start: '2026-06-10T10:20:00Z',
  antennas: [{ diameter: 5, efficiency: 0.6, tsys: 90, pointingError: { az: -0.4, el: 0.3 } }],
  sun: { flux: 70 }, frontend: { dropProbability: 0.01 },
};

/** A multiple of 0.1° (what the rounding controller can stand at). */
const onGrid = (x: number) => Math.abs(x * 10 - Math.round(x * 10)) < 1e-6;

describe('fringe drift through a connected rotator (simulator following it)', () => {
  it('slews to the aim, steps across the sun, and measures the hidden pointing error and beam; pointing recorded as the rotator reports it', { timeout: 180_000 }, async () => {
    const { dir, file } = setup(scenario);
    const sc = parseScenario(scenario);
    const a = sc.antennas[0]!;
    const rot = await RotatorControl.connect({ driver: 'sim', azRate: 30, elRate: 30, start: { az: 100, el: 20 } });
    const commanded: { az: number; el: number }[] = [];
    const moveTo = rot.rotator.moveTo.bind(rot.rotator);
    rot.rotator.moveTo = (az: number, el: number) => {
      commanded.push({ az, el });
      return moveTo(Math.round(az * 10) / 10, Math.round(el * 10) / 10);
    };
    const notices: string[] = [];
    const phases: string[] = [];
    try {
      const view = driftPlanView({ source: 'sim', scenario: file, dataDir: dir, rotator: rot });
      expect(view.mount).toBe('rotator');
      expect(view.plan.scanOffsets).toHaveLength(13);
      const r = await runDrift({
        source: 'sim', scenario: file, dataDir: dir, efficiency: a.efficiency, flux: sc.sun.flux!, rotator: rot,
        onNotice: (n) => notices.push(n),
        onProgress: (p) => {
          if (phases.at(-1) !== p.phase) phases.push(p.phase);
        },
      });
      const beam = beamFwhm(a.diameter, sc.tuning.centerFrequency);
      const el = r.plan.aim.el;
      const truth = { az: a.pointingError.az * Math.cos((el * Math.PI) / 180), el: a.pointingError.el };
      console.log(
        `rotator drift: HPBW ${r.hpbw_deg?.toFixed(4)}° (truth ${beam.toFixed(4)}°), az ${r.pointing_offset_deg.az?.toFixed(4)}° (truth ${truth.az.toFixed(4)}°), ` +
          `el ${r.pointing_offset_deg.el?.toFixed(4)}° (truth ${truth.el.toFixed(4)}°), T_sys ${r.tsys_k?.toFixed(1)} K, flux ${r.sun_flux_sfu?.toFixed(1)} sfu; ${commanded.length} moves`,
      );
      expect(notices.some((n) => /slewing the rotator to the drift's aim/.test(n))).toBe(true);
      expect(phases).toEqual(['calibrate', 'drift', 'scan']);
      // The aim first (then one move per scan step): the sun's own positions, no pointing correction applied.
      expect(commanded).toHaveLength(14);
      expect(commanded[0]!.az).toBeCloseTo(r.plan.aim.az, 9);
      expect(commanded[0]!.el).toBeCloseTo(r.plan.aim.el, 9);
      expect(r.cuts.map((c) => c.axis)).toEqual(['drift', 'el']);
      expect(Math.abs(r.hpbw_deg! / beam - 1)).toBeLessThan(0.03);
      expect(Math.abs(r.pointing_offset_deg.az! - truth.az)).toBeLessThan(0.1 * beam);
      expect(Math.abs(r.pointing_offset_deg.el! - truth.el)).toBeLessThan(0.1 * beam);
      const store = Store.open(dir);
      try {
        const obs = store.getObservation(r.observation);
        expect(obs.status).toBe('complete');
        const pointing = store.events(r.observation).filter((e) => e.kind === 'pointing').map((e) => e.data as { az: number; el: number; source: string; offset?: { el: number }; moving?: boolean });
        // Every pointing from the rotator, where it reported standing: on the controller's 0.1° grid (the sun's commanded positions are not).
        expect(pointing.length).toBeGreaterThan(13);
        for (const p of pointing) {
          expect(p.source).toBe('rotator');
          expect(onGrid(p.az) && onGrid(p.el)).toBe(true);
        }
        expect(commanded.slice(1).some((c) => !onGrid(c.el))).toBe(true);
        const steps = pointing.filter((p) => p.offset);
        expect(steps).toHaveLength(13);
        // Each step's offset is the reported elevation less the sun's at the step (within the controller's rounding of the plan's).
        steps.forEach((p, k) => expect(Math.abs(p.offset!.el - r.plan.scanOffsets[k]!)).toBeLessThanOrEqual(0.05 + 1e-9));
        expect(pointing.filter((p) => p.moving).length).toBeGreaterThan(0);
      } finally {
        store.close();
      }
    } finally {
      await rot.close();
    }
  });

  it('refuses an aim or a scan step outside the rotator’s limits before anything records or moves', async () => {
    const { dir, file } = setup(scenario);
    const plan = driftPlanView({ source: 'sim', scenario: file, dataDir: dir });
    const aimEl = plan.plan.aim.el;
    const start = { az: 100, el: 5 };
    // The aim below elMin.
    const low = await RotatorControl.connect({ driver: 'sim', azRate: 30, elRate: 30, start, limits: { azMin: 0, azMax: 360, elMin: 0, elMax: aimEl - 1 } });
    try {
      await expect(runDrift({ source: 'sim', scenario: file, dataDir: dir, efficiency: 0.6, rotator: low })).rejects.toThrow(/the drift's aim, az .* is outside the rotator's limits \(az 0…360°, el 0…/);
      expect(() => driftPlanView({ source: 'sim', scenario: file, dataDir: dir, rotator: low })).toThrow(/outside the rotator's limits/);
      expect(low.last).toEqual(start);
    } finally {
      await low.close();
    }
    // The aim inside, the scan's upper steps above elMax.
    const high = await RotatorControl.connect({ driver: 'sim', azRate: 30, elRate: 30, start, limits: { azMin: 0, azMax: 360, elMin: 0, elMax: aimEl + 2 } });
    try {
      await expect(runDrift({ source: 'sim', scenario: file, dataDir: dir, efficiency: 0.6, rotator: high })).rejects.toThrow(/the elevation scan's step \d+ .* is outside the rotator's limits/);
      expect(high.last).toEqual(start);
    } finally {
      await high.close();
    }
    const store = Store.open(dir);
    try {
      expect(store.listObservations()).toHaveLength(0);
    } finally {
      store.close();
    }
  });
});
