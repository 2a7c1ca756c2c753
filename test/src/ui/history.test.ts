/**
 * A reloaded page joins the engine's history of the live view (live.history)
 * to the points it got since connecting: no point twice, none lost, the
 * totals the engine's plus those of the newer points.
 */
import { describe, expect, it } from 'vitest';
import type { LiveHistory } from '../../../src/api/history.ts';
import { joinHistory, type PowerHistory } from '../../../src/ui/station.ts';

function page(times: number[], dropped: number[]): PowerHistory {
  return {
    inputs: 1, time: [...times], power: [times.map((t) => t * 10)], rows: [[]], baselines: { time: [], pairs: [], coherence: [], phase: [] },
    droppedAt: [...dropped], samplesAt: times.map(() => 1000), kelvinAt: times.map((t) => t >= 5), dropped: dropped.reduce((a, b) => a + b, 0), samples: 1000 * times.length, spectra: times.length, since: times[0] ?? null, version: 0,
  };
}

const past: LiveHistory = {
  inputs: 1, time: [1, 2, 3, 4], power: [[10, 20, 30, 40]], dropped: [0, 5, 0, 0], samples: [1000, 1000, 1000, 1000],
  // The engine counted 10 integrations since the start (6 of them before its kept window) with 105 samples lost.
  totals: { since: -5, spectra: 10, dropped: 105, samples: 10_000 },
};

/** The units an empty page gets from an engine history whose points carry them. */
function joinedUnits(kelvin: boolean[]): boolean[] {
  const h = page([], []);
  joinHistory(h, { ...past, kelvin });
  return h.kelvinAt;
}

describe('joinHistory', () => {
  it('keeps the page points newer than the engine history, once each, and adds their counts to the totals', () => {
    // The page got 3 and 4 (already in the engine's history) and 5, 6 (newer) before the reply came.
    const h = page([3, 4, 5, 6], [0, 0, 7, 0]);
    joinHistory(h, past);
    expect(h.time).toEqual([1, 2, 3, 4, 5, 6]);
    expect(h.power[0]).toEqual([10, 20, 30, 40, 50, 60]);
    expect(h.droppedAt).toEqual([0, 5, 0, 0, 7, 0]);
    // The unit of each point: the engine's history says none (relative), the page's newer points are in K.
    expect(h.kelvinAt).toEqual([false, false, false, false, true, true]);
    expect({ dropped: h.dropped, samples: h.samples, spectra: h.spectra, since: h.since }).toEqual({ dropped: 112, samples: 12_000, spectra: 12, since: -5 });
    expect(h.version).toBe(1);
  });

  it('an empty page takes the engine history as it is', () => {
    const h = page([], []);
    joinHistory(h, past);
    expect(h.time).toEqual([1, 2, 3, 4]);
    expect(joinedUnits([true, false, true, true])).toEqual([true, false, true, true]);
    expect({ dropped: h.dropped, samples: h.samples, spectra: h.spectra, since: h.since }).toEqual({ dropped: 105, samples: 10_000, spectra: 10, since: -5 });
  });
});
