/** hi.observe and hi.spectrum's overrides at the API boundary: a switched observation on the station's simulator, reduced with given line-free ranges. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatcher } from '../../../src/api/dispatch.ts';
import type { HiObserveTaskEvent } from '../../../src/api/types.ts';
import { defaultSettings, saveSettings } from '../../../src/engine/settings.ts';
import { Station } from '../../../src/engine/station.ts';
import { loadScenario } from '../../../devices/sim/scenario.ts';
import { equatorialToGalactic, horizontalToEquatorial } from '../../../devices/sim/ephemeris.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-api-hi-observe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type View = { unit: string; calibration: string; components: { v_lsr_kms: number; peak: number }[]; baseline: { automatic: boolean; line_free_kms: [number, number][] } };

describe('hi.observe', () => {
  it('refuses bad parameters naming the field, records position switching through the simulated rotator, and hi.spectrum takes --tsys and line-free ranges', async () => {
    saveSettings(dir, { ...defaultSettings, scenario: 'hydrogen' });
    const station = Station.open(dir);
    const call = dispatcher(station);
    try {
      await expect(call('hi.observe', { switch: 'position', seconds: 4 })).rejects.toThrow(/off position/);
      await expect(call('hi.observe', { switch: 'beam', seconds: 4 })).rejects.toThrow(/switch/);
      await expect(call('hi.observe', { switch: 'frequency', seconds: 4, throwKhz: 9000 })).rejects.toThrow(/throw must be above 0 and at most 1600 kHz/);
      await expect(call('hi.observe', { switch: 'frequency', seconds: 4, offAz: 10 })).rejects.toThrow(/for position switching/);
      // The hydrogen scenario's dish (az 90°, el 50°, l 70.6°, b 8.2°) on, 60° higher in b off: its line of about 32 K near +5 km/s.
      const r = (await call('hi.observe', { switch: 'position', seconds: 4, cycles: 1, offB: 60, tsys: 90 })) as { id: number; status: string; switching: { kind: string; off: unknown } };
      expect(r).toMatchObject({ status: 'complete', switching: { kind: 'position', off: { b: 60 } } });
      const s = (await call('hi.spectrum', { id: r.id })) as View;
      expect(s.unit).toBe('K');
      expect(s.calibration).toMatch(/position switched: 1 cycle of .* T_sys 90 K/);
      expect(s.components[0]!.v_lsr_kms).toBeGreaterThan(2);
      expect(s.components[0]!.v_lsr_kms).toBeLessThan(8);
      expect(s.components[0]!.peak).toBeGreaterThan(27);
      expect(s.baseline.automatic).toBe(true);
      // T_sys given at reduction scales the line; the baseline's line-free ranges given replace the automatic choice.
      const t = (await call('hi.spectrum', { id: r.id, tsys: 45, lineFree: [[-120, -60], [60, 120]] })) as View;
      expect(t.components[0]!.peak / s.components[0]!.peak).toBeGreaterThan(0.45);
      expect(t.components[0]!.peak / s.components[0]!.peak).toBeLessThan(0.55);
      expect(t.baseline.automatic).toBe(false);
      for (const [lo, hi] of t.baseline.line_free_kms) expect((lo >= -121 && hi <= -59) || (lo >= 59 && hi <= 121)).toBe(true);
      await expect(call('hi.spectrum', { id: r.id, lineFree: [[10, 5]] })).rejects.toThrow(/lo below hi/);
    } finally {
      await station.close();
    }
  }, 120_000);

  it('takes the off position as a direction (offRadec, offGal): recorded in the switching, the dish sent there, one below the horizon refused first', async () => {
    saveSettings(dir, { ...defaultSettings, scenario: 'hydrogen' });
    const station = Station.open(dir);
    const call = dispatcher(station);
    try {
      await expect(call('hi.observe', { switch: 'position', seconds: 4, offRadec: [25, 10] })).rejects.toThrow(/RA must be from 0 to under 24 hours/);
      await expect(call('hi.observe', { switch: 'position', seconds: 4, offGal: [10, 95] })).rejects.toThrow(/galactic latitude must be from -90 to 90/);
      await expect(call('hi.observe', { switch: 'position', seconds: 4, offGal: [10] })).rejects.toThrow(/offGal/);
      await expect(call('hi.observe', { switch: 'position', seconds: 4, offAz: 20, offRadec: [5, 10] })).rejects.toThrow(/one way/);
      await expect(call('hi.observe', { switch: 'frequency', seconds: 4, offGal: [10, 20] })).rejects.toThrow(/for position switching/);
      // The hydrogen scenario's site and start (52° N, 0°; 2026-06-21 22:00 UTC): directions from its own sky (devices/sim/ephemeris.ts).
      const sc = loadScenario('devices/sim/scenarios/hydrogen.json');
      const t0 = Date.parse(sc.start);
      const high = horizontalToEquatorial({ az: 200, el: 75 }, sc.site, t0), low = horizontalToEquatorial({ az: 270, el: -30 }, sc.site, t0);
      const before = station.store.listObservations().length;
      await expect(call('hi.observe', { switch: 'position', seconds: 4, cycles: 1, offRadec: [low.ra / 15, low.dec] })).rejects.toThrow(/off position \(RA .*\) is below the horizon/);
      expect(station.store.listObservations().length).toBe(before);
      const r = (await call('hi.observe', { switch: 'position', seconds: 4, cycles: 1, offRadec: [high.ra / 15, high.dec], tsys: 90 })) as { id: number; status: string; switching: { off: unknown } };
      expect(r).toMatchObject({ status: 'complete', switching: { off: { ra_h: high.ra / 15, dec_deg: high.dec } } });
      // The off phase's note says where the dish went: the direction's az/el a few sky seconds later (within 1°: J2000 vs of date).
      const off = station.store.events(r.id).find((e) => e.kind === 'note' && e.data.switch === 'off')!;
      expect(Math.abs(Number(off.data.el) - 75)).toBeLessThan(1);
      expect(Math.abs(Number(off.data.az) - 200) * Math.cos((75 * Math.PI) / 180)).toBeLessThan(1);
      const g = equatorialToGalactic(high);
      const events: HiObserveTaskEvent[] = [];
      station.on('task', (t) => { if (t.kind === 'hi-observe') events.push(t); });
      const rg = (await call('hi.observe', { switch: 'position', seconds: 4, cycles: 1, offGal: [g.l, g.b] })) as { id: number; status: string; switching: { off: unknown } };
      // Position switching's progress: the slew to the on position, on, the slew to the off position, off, the end.
      expect(events.map((e) => `${e.phase}${e.cycle}`).filter((x, i, a) => x !== a[i - 1])).toEqual(['slew0', 'on0', 'slew0', 'off0']);
      expect(events[0]!.message).toBe('slewing, cycle 1 of 1, 0 integrations');
      expect(events.at(-1)).toMatchObject({ fraction: 1, status: 'complete', result: rg.id });
      expect(events.every((e) => e.run === undefined)).toBe(true);
      expect(rg).toMatchObject({ status: 'complete', switching: { off: { l_deg: g.l, b_deg: g.b } } });
      const offG = station.store.events(rg.id).find((e) => e.kind === 'note' && e.data.switch === 'off')!;
      expect(Math.abs(Number(offG.data.el) - 75)).toBeLessThan(1);
    } finally {
      await station.close();
    }
  }, 120_000);

  it("sends 'task' events (kind 'hi-observe') in order: phases lo, hi by cycle with the retune between, fraction rising to 1 at the end", async () => {
    saveSettings(dir, { ...defaultSettings, scenario: 'hydrogen' });
    const station = Station.open(dir);
    const call = dispatcher(station);
    const events: HiObserveTaskEvent[] = [];
    station.on('task', (t) => { if (t.kind === 'hi-observe') events.push(t); });
    try {
      const r = (await call('hi.observe', { switch: 'frequency', seconds: 8, cycles: 2, run: 'tab-1' })) as { id: number; status: string; integrations: number };
      expect(r.status).toBe('complete');
      // Every event carries the caller's run token (a page follows its own run, not another tab's).
      expect(events.length).toBeGreaterThan(2);
      expect(events.every((e) => e.run === 'tab-1')).toBe(true);
      const last = events.at(-1)!;
      expect(last).toMatchObject({ fraction: 1, status: 'complete', result: r.id, cycles: 2, integrations: r.integrations });
      expect(last.message).toBe(`observation ${r.id} complete: 2 cycles, ${r.integrations} integrations`);
      // Fractions never fall; the phases come in the order recorded, each phase change reported.
      for (let i = 1; i < events.length; i++) expect(events[i]!.fraction).toBeGreaterThanOrEqual(events[i - 1]!.fraction);
      const sequence = events.slice(0, -1).map((e) => `${e.phase}${e.cycle}`).filter((x, i, a) => x !== a[i - 1]);
      expect(sequence).toEqual(['lo0', 'slew0', 'hi0', 'slew1', 'lo1', 'slew1', 'hi1']);
      expect(events.find((e) => e.phase === 'slew')!.message).toMatch(/^retuning, cycle 1 of 2/);
      expect(events.find((e) => e.phase === 'hi')!.message).toMatch(/^hi, cycle 1 of 2, \d+ integrations?$/);
      // hi.stop with none running says so.
      expect(await call('hi.stop', {})).toEqual({ stopping: false });
    } finally {
      await station.close();
    }
  }, 120_000);

  it('hi.stop ends a running switched observation interrupted, with what was recorded kept and its last event saying so', async () => {
    saveSettings(dir, { ...defaultSettings, scenario: 'hydrogen' });
    const station = Station.open(dir);
    const call = dispatcher(station);
    const events: HiObserveTaskEvent[] = [];
    let stopped: Promise<unknown> | null = null;
    station.on('task', (t) => {
      if (t.kind !== 'hi-observe') return;
      events.push(t);
      // Stopped once the first cycle is done and the second has begun.
      if (t.cycle === 1 && t.phase === 'lo') stopped ??= call('hi.stop', {});
    });
    try {
      const r = (await call('hi.observe', { switch: 'frequency', seconds: 600, cycles: 20 })) as { id: number; status: string };
      expect(await stopped).toEqual({ stopping: true });
      expect(r.status).toBe('interrupted');
      const last = events.at(-1)!;
      expect(last.status).toBe('interrupted');
      expect(last.fraction).toBeLessThan(0.2);
      expect(last.message).toMatch(new RegExp(`^observation ${r.id} interrupted: 1 of 20 cycles, \\d+ integrations$`));
      // The complete cycle recorded still reduces.
      const s = (await call('hi.spectrum', { id: r.id, tsys: 90 })) as View & { switching: { cycles: number; cycles_asked: number } };
      expect(s.switching).toMatchObject({ cycles: 1, cycles_asked: 20 });
    } finally {
      await station.close();
    }
  }, 120_000);
});
