/**
 * hi.tuning: where to tune for the HI toward a direction, or the live dish's
 * own pointing (its LSR correction applied), as src/analysis/hi/tuning.ts
 * computes it; bad or missing directions said so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatcher } from '../../../src/api/dispatch.ts';
import type { HiTuningView } from '../../../src/api/types.ts';
import { hiTuning } from '../../../src/analysis/hi/tuning.ts';
import { Station } from '../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-hi-tuning-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hi.tuning', () => {
  it('gives the tuning for a direction, or the live pointing; refuses half a direction and no direction', async () => {
    const station = Station.open(dir);
    const call = dispatcher(station);
    try {
      await expect(call('hi.tuning', {})).rejects.toThrow(/no direction to tune for: give l and b, or start the live view/);
      await expect(call('hi.tuning', { l: 30 })).rejects.toThrow(/give both l and b, or neither/);
      await expect(call('hi.tuning', { l: 30, b: 120 })).rejects.toThrow(/b/);
      const given = (await call('hi.tuning', { l: 30, b: 0 })) as HiTuningView;
      expect(given).toMatchObject({ centerFrequency: hiTuning(30, 0, 2.4e6).centerFrequency, l: 30, b: 0, pointing: false, sampleRate: 2_400_000 });
      expect(given.why).toMatch(/emission window -113…150 km\/s/);
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false });
      const lsr = station.status().live!.lsr!;
      const own = (await call('hi.tuning', { sampleRate: 2_048_000 })) as HiTuningView;
      expect(own.pointing).toBe(true);
      expect(own.l).toBeCloseTo(lsr.l!, 1);
      expect(own.sampleRate).toBe(2_048_000);
      expect(own.centerFrequency).toBeCloseTo(hiTuning(own.l, own.b, 2_048_000, lsr.correction_kms).centerFrequency, -3);
    } finally {
      await station.close();
    }
  }, 60_000);
});
