/** hi.observe and hi.spectrum's overrides at the API boundary: a switched observation on the station's simulator, reduced with given line-free ranges. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatcher } from '../../../src/api/dispatch.ts';
import { defaultSettings, saveSettings } from '../../../src/engine/settings.ts';
import { Station } from '../../../src/engine/station.ts';

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
      expect(s.calibration).toMatch(/position switched: 1 cycles .* T_sys 90 K/);
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
});
