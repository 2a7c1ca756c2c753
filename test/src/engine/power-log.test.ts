/** The engine's log of the live view (live.history): bounded to powerHistoryLength points, totals over every integration, reset by a new session. */
import { describe, expect, it } from 'vitest';
import { powerHistoryLength } from '../../../src/api/history.ts';
import type { SpectrumEvent } from '../../../src/api/types.ts';
import { PowerLog } from '../../../src/engine/power-log.ts';

const event = (time: number, dropped: number[]): SpectrumEvent => ({
  time, centerFrequency: 1.42e9, sampleRate: 2.4e6, channels: 8, spectra: 10, power: dropped.map(() => new Float32Array(8)), sk: dropped.map(() => new Float32Array(8)),
  totalPower: dropped.map((_, a) => time + a), clipped: dropped.map(() => 0), dropped, recording: null, stages: [],
});

describe('PowerLog', () => {
  it('keeps the last points, counts every integration, and starts afresh', () => {
    const log = new PowerLog();
    const n = powerHistoryLength + 5;
    for (let i = 0; i < n; i++) log.add(event(i, [i === 2 ? 100 : 0, i === 2 ? 100 : 0]));
    const h = log.snapshot();
    expect(h.inputs).toBe(2);
    expect(h.time).toHaveLength(powerHistoryLength);
    expect(h.time[0]).toBe(5);
    expect(h.power[1]!.at(-1)).toBe(n - 1 + 1);
    // Integration 2's drop is out of the kept window, not out of the totals.
    expect(h.dropped.every((d) => d === 0)).toBe(true);
    expect(h.totals).toEqual({ since: 0, spectra: n, dropped: 200, samples: n * 10 * 8 * 2 });
    log.reset();
    expect(log.snapshot()).toMatchObject({ time: [], totals: { since: null, spectra: 0, dropped: 0, samples: 0 } });
  });
});
