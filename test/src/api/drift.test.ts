/** drift.run at the API boundary: parameters checked, the measurement on the station's simulator, 'drift' progress events for a wizard. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { beamFwhm } from '../../../devices/sim/beam.ts';
import { dispatcher } from '../../../src/api/dispatch.ts';
import type { DriftPlanView, DriftProgressView, DriftRunView, DriftSeriesView } from '../../../src/api/types.ts';
import { defaultSettings, saveSettings } from '../../../src/engine/settings.ts';
import { Station } from '../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-api-drift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('drift.run', () => {
  it('refuses bad parameters naming the field, then measures on the station’s scenario with progress events', async () => {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ seed: 3, antennas: [{ diameter: 4, efficiency: 0.6, tsys: 90, pointingError: { az: 0.4, el: 0.3 } }], sun: { flux: 70 } }));
    saveSettings(dir, { ...defaultSettings, scenario: file });
    const station = Station.open(dir);
    const call = dispatcher(station);
    try {
      await expect(call('drift.run', { efficiency: 1.5 })).rejects.toThrow(/efficiency/);
      await expect(call('drift.run', { efficiency: 0.6, calibration: 'moon' })).rejects.toThrow(/calibration/);
      // The sun as calibrator needs the day's flux to run (its plan shows without it); a real dish without a mount cannot use it.
      await expect(call('drift.run', { efficiency: 0.6, calibration: 'sun' })).rejects.toThrow(/solar flux/);
      expect(((await call('drift.plan', { calibration: 'sun' })) as DriftPlanView).calibration).toBe('sun');
      await expect(call('drift.plan', { source: 'rtlsdr:0', diameter: 3, calibration: 'sun' })).rejects.toThrow(/mount/);
      await expect(call('drift.run', { efficiency: 0.6, source: 'nonsense:1' })).rejects.toThrow(/source/);
      // Before Start: the plan for the station's scenario (its site, its 4 m dish, its sky clock), the day's flux interpolated.
      const plan = (await call('drift.plan', {})) as DriftPlanView;
      expect(plan).toMatchObject({ site: { lat: 52, lon: 0 }, frequency: 1_420_405_752, diameter: 4, simulated: true, mount: 'simulator', calibration: 'noise-diode', diodeK: 100 });
      expect(plan.transit.time.slice(0, 16)).toBe('2026-06-21T12:01');
      expect(plan.plan.plannedBeamDeg).toBeCloseTo((70 * 299_792_458) / 1_420_405_752 / 4, 6);
      await expect(call('drift.plan', { source: 'rtlsdr:0', calibration: 'hot-load' })).rejects.toThrow(/diameter/);
      await expect(call('drift.plan', { source: 'rtlsdr:0', diameter: 3 })).rejects.toThrow(/noise diode's excess temperature \(K\) from its data sheet/);
      // A real dish's diode: the user's number is what the plan (and the run) uses. (A real dish plans on the wall clock:
      // at night the plan fails for the sun, not for the diode.)
      // A real diode is switched through the dongle's bias tee, only when asked (it may power an LNA instead).
      await expect(call('drift.plan', { source: 'rtlsdr:0', diameter: 3, diodeK: 400 })).rejects.toThrow(/bias tee: if the bias tee powers the diode, choose that switch/);
      await expect(call('drift.plan', { source: 'rtlsdr:0', diameter: 3, calibration: 'hot-load' })).rejects.toThrow(/cannot swing a real hot load/);
      await expect(call('drift.plan', { diodeSwitch: 'relay' })).rejects.toThrow(/diodeSwitch/);
      const real = await call('drift.plan', { source: 'rtlsdr:0', diameter: 3, diodeK: 400, diodeSwitch: 'bias-tee' }).then((p) => (p as DriftPlanView).diodeK, (e: Error) => e.message);
      if (typeof real === 'string') expect(real).toMatch(/the sun is below the horizon at the planned passage/);
      else expect(real).toBe(400);
      await expect(call('drift.plan', { diodeK: 0 })).rejects.toThrow(/diodeK/);
      // log–log between 1415 and 2800 MHz: 70 · (100/70)^(ln(1420.406/1415)/ln(2800/1415)).
      const flux = (await call('drift.flux', { published: [{ mhz: 2800, sfu: 100 }, { mhz: 1415, sfu: 70 }], mhz: 1420.405752 })) as { sfu: number; extrapolated: boolean };
      expect(flux.sfu).toBeCloseTo(70 * (100 / 70) ** (Math.log(1420.405752 / 1415) / Math.log(2800 / 1415)), 9);
      expect(flux.extrapolated).toBe(false);
      await expect(call('drift.flux', { published: [], mhz: 1420 })).rejects.toThrow(/published/);
      const events: DriftProgressView[] = [];
      station.on('drift', (e) => events.push(e));
      const r = (await call('drift.run', { efficiency: 0.6, flux: 70 })) as DriftRunView;
      expect(Math.abs(r.hpbw_deg! / beamFwhm(4, 1_420_405_752) - 1)).toBeLessThan(0.03);
      expect(Math.abs(r.sun_flux_sfu! / 70 - 1)).toBeLessThan(0.1);
      expect([...new Set(events.map((e) => e.phase))]).toEqual(['calibrate', 'drift', 'scan']);
      expect(events.at(-1)!.done).toBe(events.at(-1)!.total);
      // The drift's points carry the sun's offset and power in K, for the wizard's live plot.
      const drift = events.filter((e) => e.phase === 'drift' && e.point);
      expect(drift.length).toBeGreaterThan(10);
      expect(drift.every((e) => e.point!.unit === 'K')).toBe(true);
      expect(events.length).toBeLessThan(400);
      expect(await call('pointing.correction', {})).toEqual(r.pointing_correction);
      expect(((await call('calibration.current', {})) as { id: number }).id).toBe(r.calibration.record);
      // The result page's plots: the run's own result kept with the observation, each cut's points, the fit at each and on a grid.
      const series = (await call('drift.series', { observation: r.observation })) as DriftSeriesView;
      expect(series.result).toEqual(JSON.parse(JSON.stringify(r)));
      expect(series.cuts.map((c) => c.axis)).toEqual(['drift', 'el']);
      for (const c of series.cuts) {
        const inFit = c.used.map((u, i) => (u ? i : -1)).filter((i) => i >= 0);
        // The fit explains the points it used: residuals under 2 % of the sun's antenna temperature.
        expect(Math.max(...inFit.map((i) => Math.abs(c.y[i]! - c.model[i]!)))).toBeLessThan(0.02 * r.sun_antenna_temp_k!);
        expect(c.curve!.x).toHaveLength(241);
        expect(Math.max(...c.curve!.y)).toBeGreaterThan(r.tsys_k! + 0.9 * r.sun_antenna_temp_k!);
      }
      await expect(call('drift.series', { observation: 999 })).rejects.toThrow(/999/);
      // The diode's excess entered as twice the simulator's (100 K): every kelvin comes out twice as large, the entered number is the one used.
      const doubled = (await call('drift.run', { efficiency: 0.6, flux: 70, diodeK: 200 })) as DriftRunView;
      expect(doubled.calibration.tsys_k / r.calibration.tsys_k).toBeCloseTo(2, 1);
      expect(((await call('calibration.current', {})) as { inputs: { diodeK: number } }).inputs.diodeK).toBe(200);
      // Stop: drift.stop while a run is under way (at its first progress event) ends it; the run fails saying so, and its
      // observation keeps what was recorded, interrupted. With none running, stop says so.
      expect(await call('drift.stop', {})).toEqual({ stopping: false });
      let stopped: Promise<unknown> | null = null;
      const stopAtFirst = () => {
        stopped ??= call('drift.stop', {});
      };
      station.on('drift', stopAtFirst);
      await expect(call('drift.run', { efficiency: 0.6, flux: 70 })).rejects.toThrow(/stopped after \d+ of \d+ integrations, as asked: observation #\d+ keeps them/);
      station.off('drift', stopAtFirst);
      expect(await stopped).toEqual({ stopping: true });
      const last = station.store.listObservations().sort((a, b) => a.id - b.id).at(-1)!;
      expect(last.id).toBeGreaterThan(r.observation);
      expect(last.status).toBe('interrupted');
      expect([...station.store.integrations(last.id)].length).toBeGreaterThan(0);
    } finally {
      await station.close();
    }
  });
});
