import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Calibration } from '../../../correlator/types.ts';
import { openSimGroup } from '../../../devices/sim/index.ts';
import { GroupTracker, type TrackingEvent } from '../../../src/engine/group-tracking.ts';
import { offThreadSolver } from '../../../src/engine/group-solve.ts';

const base = JSON.parse(readFileSync('devices/sim/scenarios/interferometer.json', 'utf8'));
const cable = [0, 150, 95];
const scenario = { ...base, noiseSource: { temperature: 500, on: false }, antennas: base.antennas.map((a: object, i: number) => ({ ...a, cableDelay: cable[i] })) };

/** The correlator delays d_a − d_0 that align the simulator's inputs (samples), input 1 having lost `lost` samples silently. */
function truth(fs: number, lost: number): number[] {
  const t = base.antennas.map((a: { sampleOffset: number }, i: number) => -a.sampleOffset + cable[i]! * 1e-9 * fs - (i === 1 ? lost : 0));
  return t.map((x: number) => x - t[0]);
}

describe('calibration tracking of a coherent group', () => {
  it('locks from the switched noise source, then re-aligns within one recheck period after input 1 silently loses 5000 samples', { timeout: 120_000 }, async () => {
    const group = await openSimGroup({ scenario, pacing: false });
    const fs = group.engine.tuning.sampleRate;
    const events: TrackingEvent[] = [], applied: Calibration[] = [];
    const recheck = 0.5, period = Math.round(recheck * fs);
    // The solve runs in a worker thread, as the station runs it.
    const solver = offThreadSolver();
    const blockSamples = 1 << 16, dropAt = 700_000;
    let hidden = 0, position = 0;
    const tracker = new GroupTracker({
      inputs: 3, sampleRate: fs, channels: 256, recheckSeconds: recheck, solver,
      // Where the switch applies from, in the count the tracker sees (input 1's stream is `hidden` ahead of it).
      noise: { set: (on) => group.setNoiseSource(on) - hidden },
      apply: (c) => applied.push(c),
      record: (e) => events.push(e),
    });
    while (position < dropAt + 2 * period) {
      if (position >= dropAt && hidden === 0) {
        // A dongle over rtl_tcp that lost samples without a trace: its stream jumps, its sample count does not.
        group.engine.skip(1, 5000);
        hidden = 5000;
      }
      for (const b of group.read(blockSamples)) tracker.noteBlock(b.input === 1 ? { ...b, firstSample: b.firstSample - hidden } : b);
      position += blockSamples;
      await tracker.idle();
    }
    await group.close();
    await solver.close();
    console.log(events.map((e) => `${e.sample} ${e.state}: ${e.reason} ${e.delays?.map((d) => d.toFixed(3)).join(', ') ?? ''}`).join('\n'));
    const relative = (d: readonly number[]) => d.map((x) => x - d[0]!);
    // First: calibrated, the cable delays within 0.05 sample.
    const first = events[0]!;
    expect(first.state).toBe('locked');
    relative(first.delays!).forEach((d, a) => expect(Math.abs(d - truth(fs, 0)[a]!)).toBeLessThan(0.05));
    // After the loss: one re-alignment, whose check began within one recheck period of it, with the new delays.
    const realign = events.find((e) => e.sample >= dropAt && e.delays);
    expect(realign).toBeDefined();
    expect(realign!.state).toBe('tracking');
    expect(realign!.reason).toMatch(/re-aligned/);
    expect(realign!.sample - dropAt).toBeLessThanOrEqual(period);
    // The check itself: settle + capture with the source on, then off, and the block under way.
    expect(realign!.appliedAt! - realign!.sample).toBeLessThanOrEqual(2 * ((1 << 16) + (1 << 17)) + 2 * blockSamples);
    relative(realign!.delays!).forEach((d, a) => expect(Math.abs(d - truth(fs, 5000)[a]!)).toBeLessThan(0.05));
    expect(applied.at(-1)!.delays).toEqual(realign!.delays);
    expect(applied.at(-1)!.gains![0]!.length).toBe(2 * 256);
    // Checks in between and after that found nothing changed leave it locked, recording nothing.
    expect(events.filter((e) => e.delays)).toHaveLength(2);
    expect(tracker.state).toBe('locked');
  });

  it('calls a collapse of coherence lost, records it and makes the next check due at once', async () => {
    const events: TrackingEvent[] = [];
    const tracker = new GroupTracker({ inputs: 2, sampleRate: 2.4e6, channels: 64, noise: null, apply: () => {}, record: (e) => events.push(e) });
    // Nothing to compare with before a first check: no event.
    tracker.noteCoherence([{ a: 0, b: 1, coherence: 0.01 }]);
    expect(events).toHaveLength(0);
    (tracker as unknown as { lastCoherence: number[] }).lastCoherence = [1, 0.6];
    tracker.state = 'locked';
    tracker.noteCoherence([{ a: 0, b: 1, coherence: 0.5 }]);
    expect(events).toHaveLength(0);
    tracker.noteCoherence([{ a: 0, b: 1, coherence: 0.2 }]);
    expect(events).toEqual([expect.objectContaining({ state: 'lost', reason: expect.stringMatching(/0–1 fell to 0.200 \(0.600/) })]);
    expect(tracker.state).toBe('lost');
  });

  it('calls a phase change common to the band a drift and corrects it, but not channels that differ by their noise alone', async () => {
    // A stand-in solver: the same delays each check, gains of phase `phase(j)` degrees in channel j on input 1.
    const C = 64;
    const gains = (phase: (j: number) => number) => [new Float32Array(2 * C).fill(0).map((_, k) => (k % 2 ? 0 : 1)), Float32Array.from({ length: 2 * C }, (_, k) => (k % 2 ? Math.sin : Math.cos)((phase(k >> 1) * Math.PI) / 180))];
    const answers = [
      gains(() => 0), // first: calibrated
      gains((j) => (j % 2 ? 8 : -8)), // channel noise of ±8°, nothing common: still locked, no event
      gains((j) => 10 + (j % 2 ? 3 : -3)), // the band moved 10°: corrected
    ];
    const events: TrackingEvent[] = [];
    let k = 0;
    const tracker = new GroupTracker({
      inputs: 2, sampleRate: 1000, channels: C, recheckSeconds: 1, captureSamples: 256, settleSamples: 0, noise: null,
      solver: async () => ({ ok: true, delays: [0, 0], gains: answers[k++]!, coherence: [1, 0.5] }),
      apply: () => {}, record: (e) => events.push(e),
    });
    for (let first = 0; k < answers.length; first += 256) {
      for (const input of [0, 1]) tracker.noteBlock({ input, firstSample: first, data: new Uint8Array(512), receivedAt: 0, dropped: 0 });
      await tracker.idle();
    }
    expect(events.map((e) => [e.state, e.reason])).toEqual([['locked', 'calibrated from the noise source'], ['tracking', 'delays or phases drifted; corrected']]);
  });

  it('starts a capture again after a gap that jumps over it (a paced source that fell behind), instead of waiting for it for ever', async () => {
    const events: TrackingEvent[] = [];
    let solves = 0;
    const tracker = new GroupTracker({
      inputs: 2, sampleRate: 1000, channels: 4, captureSamples: 256, settleSamples: 256, noise: null,
      solver: async () => (solves++, { ok: true, delays: [0, 0], gains: [new Float32Array([1, 0, 1, 0, 1, 0, 1, 0]), new Float32Array([1, 0, 1, 0, 1, 0, 1, 0])], coherence: [1, 0.5] }),
      apply: () => {}, record: (e) => events.push(e),
    });
    const block = (input: number, firstSample: number, dropped = 0) => tracker.noteBlock({ input, firstSample, data: new Uint8Array(512), receivedAt: 0, dropped });
    // The first block begins a check whose capture starts at 512 (after the settle); then both inputs leap to 10 000.
    block(0, 0);
    block(1, 0);
    for (let first = 10_000; first < 12_000; first += 256) {
      block(0, first, first === 10_000 ? 9744 : 0);
      block(1, first, first === 10_000 ? 9744 : 0);
      await tracker.idle();
    }
    expect(solves).toBe(1);
    expect(events).toEqual([expect.objectContaining({ state: 'locked', reason: 'calibrated from the noise source' })]);
  });
});
