import { describe, expect, it } from 'vitest';
import { DropDetector } from '../../../devices/sdr/drop-detector.ts';

/** Feeds buffers of `n` samples arriving at the given times (ms); returns the drops reported per buffer. */
function feed(d: DropDetector, times: number[], n: number): number[] {
  return times.map((t) => d.onBuffer(t, n));
}

const rate = 1_024_000;
const n = 16_384; // 16 ms at 1.024 MS/s

/** Arrival times of `count` buffers, each at the end of its samples, plus a skip of `skipMs` after buffer `at`. */
function schedule(count: number, opts: { at?: number; skipMs?: number; jitter?: (i: number) => number } = {}): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const skip = opts.at !== undefined && i >= opts.at ? opts.skipMs! : 0;
    out.push(1000 + (i + 1) * 16 + skip + (opts.jitter?.(i) ?? 0));
  }
  return out;
}

describe('DropDetector', () => {
  it('reports nothing for a steady stream with scheduling jitter', () => {
    const d = new DropDetector({ sampleRate: rate });
    const drops = feed(d, schedule(500, { jitter: (i) => ((i * 7919) % 9) }), n); // 0–8 ms jitter
    expect(drops.every((x) => x === 0)).toBe(true);
    expect(d.total).toBe(0);
  });

  it('reports a 100 ms gap once, within a buffer of its size', () => {
    const d = new DropDetector({ sampleRate: rate });
    const drops = feed(d, schedule(200, { at: 50, skipMs: 100 }), n);
    // Exact but for the floor's allowed creep: 100 ppm of 1.024 MS/s over the 0.5 s window ≈ 51 samples.
    expect(Math.abs(d.total - 102_400)).toBeLessThanOrEqual(52);
    expect(drops.filter((x) => x > 0)).toEqual([d.total]);
    // Reported about one window (500 ms = 31 buffers) after it happened.
    const at = drops.findIndex((x) => x > 0);
    expect(at).toBeGreaterThanOrEqual(50 + 31);
    expect(at).toBeLessThanOrEqual(50 + 33);
  });

  it('does not count a host stall that the queued transfers catch up on', () => {
    const d = new DropDetector({ sampleRate: rate });
    // 300 ms stall at buffer 100: the next 19 buffers arrive together, then on schedule.
    const times = schedule(300).map((t, i) => (i >= 100 && i < 119 ? 1000 + 119 * 16 : t));
    expect(feed(d, times, n).every((x) => x === 0)).toBe(true);
  });

  it('tolerates a dongle crystal 50 ppm slow against the host clock for ten minutes', () => {
    const d = new DropDetector({ sampleRate: rate });
    const period = 16 * (1 + 50e-6);
    const times = Array.from({ length: 37_500 }, (_, i) => 1000 + (i + 1) * period);
    expect(feed(d, times, n).every((x) => x === 0)).toBe(true);
  });

  it('reports nothing for a source faster than real time (file replay as fast as possible)', () => {
    const d = new DropDetector({ sampleRate: rate });
    const times = Array.from({ length: 1000 }, (_, i) => 1000 + i * 0.5);
    expect(feed(d, times, n).every((x) => x === 0)).toBe(true);
  });

  it('rejects a sample rate that is not positive', () => {
    expect(() => new DropDetector({ sampleRate: 0 })).toThrow(/sampleRate/);
  });
});
