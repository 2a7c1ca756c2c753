/**
 * System measurements: blocks dropped by the station's own live stages on the
 * paced simulator (2.4 MS/s, C = 1024), the latency from a sample's arrival to
 * the integration that holds it leaving the FX core for the UI, and the
 * throughput headroom of the CPU backend: how many inputs at 2.4 MS/s it
 * sustains.
 */
import { cpus } from 'node:os';
import { CpuBackend } from '../../correlator/cpu.ts';
import type { Block, Integration } from '../../correlator/types.ts';
import { noiseCu8 } from '../analysis/signals.ts';
import { LiveView, type LiveSink } from '../engine/live.ts';
import { Session } from '../engine/session.ts';
import { correlateStreams } from './correlator.ts';

export interface LiveRun {
  seconds: number;
  samples: number;
  dropped: number;
  /** When the source reported lost samples (s since the start) and how many. */
  drops: Array<{ at: number; samples: number }>;
  /** Samples lost per hour at this rate. */
  droppedPerHour: number;
  /** Per integration: wall seconds from the arrival of the block holding its last sample to the integration reaching the sink. */
  latency: number[];
  config: Record<string, unknown>;
}

/** Runs the live stages (Session + LiveView, as the station does) on the paced simulator for `seconds` of wall clock. */
export async function liveRun(seconds: number, progress: (f: number) => void = () => {}): Promise<LiveRun> {
  const channels = 1024, taps = 4, integration = 0.25, rate = 2_400_000;
  const session = await Session.open({
    source: 'sim', tuning: { sampleRate: rate }, channels, taps, integration, backend: 'cpu', threads: 1, pacing: 1,
    site: { name: 'qualification', lat: 52, lon: 0, altitude: 0 },
  });
  const arrivals: Array<{ end: number; at: number }> = [];
  const latency: number[] = [];
  let samples = 0, dropped = 0;
  const drops: Array<{ at: number; samples: number }> = [];
  const started = performance.now();
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const sink: LiveSink = {
    block(_v, b: Block) {
      arrivals.push({ end: b.firstSample + b.data.length / 2, at: performance.now() });
      samples += b.data.length / 2;
      dropped += b.dropped;
      if (b.dropped) drops.push({ at: (performance.now() - started) / 1000, samples: b.dropped });
    },
    integration(_v, i: Integration) {
      const last = i.firstSample + (i.spectra + taps - 1) * channels; // the FIR's window reaches T−1 hops past the last spectrum
      const a = arrivals.find((x) => x.end >= last);
      if (a) latency.push((performance.now() - a.at) / 1000);
      while (arrivals.length && arrivals[0]!.end < last) arrivals.shift();
      const elapsed = (performance.now() - started) / 1000;
      progress(Math.min(1, elapsed / seconds));
      if (elapsed >= seconds) finish();
    },
    ended() {
      finish();
    },
  };
  const view = new LiveView(session, sink, false);
  await finished;
  const counts = view.stages();
  // Source drops (the simulator's 0.8 s of buffers overflowing) arrive in Block.dropped; the blocks stage counts its own.
  const lost = dropped + view.blocks.droppedSamples;
  await view.stop();
  const elapsed = (performance.now() - started) / 1000;
  return {
    seconds: elapsed,
    samples,
    dropped: lost,
    drops,
    droppedPerHour: (lost / elapsed) * 3600,
    latency,
    config: { source: 'sim, paced at 2.4 MS/s', sampleRate: rate, channels, taps, integration, backend: 'cpu', threads: 1, stages: counts },
  };
}

export interface Throughput {
  /** Inputs tried and the FX core's rate per input on each (MS/s). */
  inputs: number[];
  rate: number[];
  /** The most inputs whose rate per input is ≥ 2.4 MS/s with a 20 % margin (0 when even one is not). */
  sustained: number;
}

/** CPU backend (all cores' worth of threads, at most 2), C = 1024, T = 4, full correlation, on seeded noise. */
export async function throughput(quick: boolean): Promise<Throughput> {
  const threads = Math.min(2, cpus().length);
  const list = quick ? [1, 2, 4] : [1, 2, 4, 8];
  const samples = quick ? 1 << 20 : 1 << 22;
  const rate: number[] = [];
  for (const n of list) {
    const streams = Array.from({ length: n }, (_, a) => noiseCu8(samples, 20, 100 + a));
    const backend = await CpuBackend.create({ inputs: n, channels: 1024, taps: 4, spectraPerIntegration: 2344 }, { threads });
    await correlateStreams(backend, streams.map((s) => s.subarray(0, 1 << 18)), undefined, 1 << 16, { keep: true }); // warm-up
    const t = performance.now();
    await correlateStreams(backend, streams, undefined, 1 << 16);
    rate.push(samples / ((performance.now() - t) / 1000) / 1e6);
  }
  let sustained = 0;
  list.forEach((n, i) => {
    if (rate[i]! >= 2.4 * 1.2) sustained = n;
  });
  return { inputs: list, rate, sustained };
}
