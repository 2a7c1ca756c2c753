/**
 * A SampleSource for tests that yields the counter pattern (sample s: I = s & 0xff,
 * Q = (s >> 8) & 0xff) in blocks of `samplesPerBlock`, optionally paced at
 * the sample rate, with drops injected at given blocks, and a record of
 * every setter call.
 */
import type { Block, SampleSource, Tuning } from '../../../../devices/sdr/source.ts';
import { defaultTuning } from '../../../../devices/sdr/source.ts';
import { counterBytes } from './fake-librtlsdr.ts';

export interface CounterSourceOptions {
  samplesPerBlock?: number;
  /** Stop after this many blocks (default: never). */
  blocks?: number;
  /** Block index → samples skipped just before it. */
  drops?: Record<number, number>;
  /** Pace blocks at the sample rate. */
  realtime?: boolean;
  tuning?: Partial<Tuning>;
}

export class CounterSource implements SampleSource {
  readonly info = { kind: 'counter', name: 'test counter' };
  readonly gains = [0, 9, 14, 27, 37, 77, 87, 125, 144, 157, 166, 197, 207, 229, 254, 280, 297, 328, 338, 364, 372, 386, 402, 421, 434, 439, 445, 480, 496].map((g) => g / 10);
  tuning: Tuning;
  readonly calls: [string, unknown][] = [];
  streams = 0;
  closed = false;

  constructor(private readonly options: CounterSourceOptions = {}) {
    this.tuning = { ...defaultTuning, ...options.tuning };
  }

  async setCenterFrequency(hz: number) {
    this.calls.push(['setCenterFrequency', hz]);
    return (this.tuning.centerFrequency = hz);
  }
  async setSampleRate(hz: number) {
    this.calls.push(['setSampleRate', hz]);
    return (this.tuning.sampleRate = hz);
  }
  async setGain(db: number | 'auto') {
    this.calls.push(['setGain', db]);
    return (this.tuning.gain = db);
  }
  async setPpm(ppm: number) {
    this.calls.push(['setPpm', ppm]);
    return (this.tuning.ppm = ppm);
  }
  async setBiasTee(on: boolean) {
    this.calls.push(['setBiasTee', on]);
    return (this.tuning.biasTee = on);
  }

  async *blocks(): AsyncGenerator<Block> {
    this.streams++;
    const n = this.options.samplesPerBlock ?? 4096;
    const t0 = performance.now();
    let s = 0;
    for (let k = 0; this.options.blocks === undefined || k < this.options.blocks; k++) {
      if (this.closed) return;
      const dropped = this.options.drops?.[k] ?? 0;
      s += dropped;
      if (this.options.realtime) {
        const due = t0 + ((s + n) / this.tuning.sampleRate) * 1000;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      } else if (k % 16 === 0) {
        await new Promise((r) => setImmediate(r));
      }
      yield { input: 0, firstSample: s, data: counterBytes(s, n), receivedAt: Date.now(), dropped };
      s += n;
    }
  }

  async close() {
    this.closed = true;
  }
}
