/** drift.plan and drift.run through the station's connected rotator (Station passes `rotator: this.dish.rotator`). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatcher } from '../../../src/api/dispatch.ts';
import type { DriftPlanView } from '../../../src/api/types.ts';
import { defaultSettings, saveSettings } from '../../../src/engine/settings.ts';
import { Station } from '../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-api-drift-rot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('drift through the station’s rotator', () => {
  it('plans with the connected rotator, and refuses an aim outside its limits before recording', async () => {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ seed: 3, antennas: [{ diameter: 4, efficiency: 0.6, tsys: 90 }], sun: { flux: 70 } }));
    saveSettings(dir, { ...defaultSettings, scenario: file });
    const station = Station.open(dir);
    const call = dispatcher(station);
    try {
      expect(((await call('drift.plan', {})) as DriftPlanView).mount).toBe('simulator');
      await station.connectRotator({ driver: 'sim', azRate: 30, elRate: 30, start: { az: 180, el: 30 } });
      const plan = (await call('drift.plan', {})) as DriftPlanView;
      expect(plan.mount).toBe('rotator');
      expect(plan.plan.scanOffsets).toHaveLength(13);
      expect(plan.notices.some((n) => /the rotator \(sim, simulated mount\) slews to az .* before recording/.test(n))).toBe(true);
      // A rotator that cannot reach the sun's elevation: drift.run fails before anything records.
      await station.connectRotator({ driver: 'sim', azRate: 30, elRate: 30, start: { az: 180, el: 5 }, limits: { azMin: 0, azMax: 360, elMin: 0, elMax: 10 } });
      await expect(call('drift.run', { efficiency: 0.6, flux: 70 })).rejects.toThrow(/outside the rotator's limits/);
      expect(((await call('observations.list', {})) as unknown[]).length).toBe(0);
    } finally {
      await station.close();
    }
  });
});
