/**
 * The station's bounded record of the live view's total power and drops
 * (src/api/history.ts): appended at each integration, emptied when a new
 * live session starts, read by `live.history`.
 */
import { powerHistoryLength, type LiveHistory } from '../api/history.ts';
import type { SpectrumEvent } from '../api/types.ts';

export class PowerLog {
  private h: LiveHistory = PowerLog.empty(1);

  private static empty(inputs: number): LiveHistory {
    return { inputs, time: [], power: Array.from({ length: inputs }, () => []), dropped: [], samples: [], kelvin: [], totals: { since: null, spectra: 0, dropped: 0, samples: 0 } };
  }

  /** Forgets everything: a new live session. */
  reset(): void {
    this.h = PowerLog.empty(1);
  }

  add(e: SpectrumEvent): void {
    const inputs = e.power.length;
    if (this.h.inputs !== inputs) this.h = PowerLog.empty(inputs);
    const h = this.h;
    const dropped = e.dropped.reduce((a, b) => a + b, 0);
    const samples = e.spectra * e.channels * inputs;
    h.time.push(e.time);
    e.totalPower.forEach((p, i) => h.power[i]!.push(p));
    h.dropped.push(dropped);
    h.samples.push(samples);
    h.kelvin!.push(!!e.kelvin);
    if (h.time.length > powerHistoryLength) {
      const n = h.time.length - powerHistoryLength;
      for (const a of [h.time, h.dropped, h.samples, h.kelvin!, ...h.power]) a.splice(0, n);
    }
    h.totals.since ??= e.time;
    h.totals.spectra++;
    h.totals.dropped += dropped;
    h.totals.samples += samples;
  }

  /** A copy, safe to send. */
  snapshot(): LiveHistory {
    const h = this.h;
    return { inputs: h.inputs, time: [...h.time], power: h.power.map((p) => [...p]), dropped: [...h.dropped], samples: [...h.samples], kelvin: [...h.kelvin!], totals: { ...h.totals } };
  }
}
