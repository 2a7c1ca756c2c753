/** drift.run at the API boundary: parameters checked, the measurement on the station's simulator, 'drift' progress events for a wizard. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { beamFwhm } from '../../../devices/sim/beam.ts';
import { dispatcher } from '../../../src/api/dispatch.ts';
import type { DriftProgressView, DriftRunView } from '../../../src/api/types.ts';
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
      await expect(call('drift.run', { efficiency: 0.6, calibration: 'sun' })).rejects.toThrow(/calibration/);
      await expect(call('drift.run', { efficiency: 0.6, source: 'nonsense:1' })).rejects.toThrow(/source/);
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
    } finally {
      await station.close();
    }
  });
});
