import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../observations/store/store.ts';
import { tempDir } from '../fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

const record = (time: number, over: Record<string, unknown> = {}) => ({
  time, method: 'noise-diode', inputs: { diodeK: 100 }, channels: 4, centerFrequency: 1.42e9, sampleRate: 250e3, tunerGain: 32.8,
  gain: [null, 2, 2.1, null], tsys: 110, tsysSigma: 0.5, observationId: null, ...over,
});

describe('calibration records (migration 6)', () => {
  it('keeps time, method, inputs and per-channel gain; the current one is the latest not retired that fits the receiver', () => {
    const store = Store.open(tmp.dir);
    try {
      const a = store.addCalibration(record(1000));
      const b = store.addCalibration(record(2000, { method: 'hot-load', inputs: { hotK: 290, coldK: 10 } }));
      store.addCalibration(record(3000, { centerFrequency: 1.6e9 }));
      expect(store.calibrations().map((c) => c.time)).toEqual([3000, 2000, 1000]);
      expect(store.currentCalibration({ channels: 4, centerFrequency: 1.42e9 })).toMatchObject({ id: b.id, method: 'hot-load', inputs: { hotK: 290, coldK: 10 }, gain: [null, 2, 2.1, null] });
      expect(store.currentCalibration({ channels: 8 })).toBeNull();
      expect(store.currentCalibration({ channels: 4, tunerGain: 40.2 })).toBeNull();
      expect(store.retireCalibrations(4000)).toBe(3);
      expect(store.currentCalibration()).toBeNull();
      expect(store.calibrations().find((c) => c.id === a.id)?.retired).toBe(4000);
    } finally {
      store.close();
    }
  });

  it('refuses a record without a gain per channel, or with one ≤ 0, saying what is wrong', () => {
    const store = Store.open(tmp.dir);
    try {
      expect(() => store.addCalibration(record(1000, { gain: [1, 2] }))).toThrow(/one value > 0 .* per channel \(4\)/);
      expect(() => store.addCalibration(record(1000, { gain: [1, 0, 1, 1] }))).toThrow(/one value > 0/);
      expect(() => store.addCalibration(record(1000, { gain: [null, null, null, null] }))).toThrow(/every channel is flagged/);
      expect(() => store.addCalibration(record(1000, { method: 'Noise Diode' }))).toThrow(/method must be a lowercase word/);
    } finally {
      store.close();
    }
  });
});
