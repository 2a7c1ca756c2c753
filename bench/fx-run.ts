/**
 * Correlating a planar cu8 file (the layout make_input.py writes) as one
 * integration, timed: shared by bench:fx, bench (the matrix) and the
 * peer-agreement tests. Blocks are pushed through a Pipeline the way a
 * dongle's would be.
 */
import type { FxBackend } from '../correlator/backend.ts';
import { Pipeline } from '../correlator/pipeline.ts';
import type { BackendChoice } from '../correlator/types.ts';
import { openBackend } from '../src/engine/backend.ts';
import { median } from './peers.ts';

export interface FileRun {
  backend: string;
  samples: number;
  spectra: number;
  seconds: number;
  /** Baseline-major, fft-shifted, re/im sums (the peers' layout), float64. */
  visibilities: Float64Array;
}

export interface FileRunOptions {
  inputs: number;
  channels: number;
  taps: number;
  threads: number;
  backend: string;
  /** Samples per block pushed. Default 2^18. */
  blockSamples?: number;
}

function layout(raw: Uint8Array, o: FileRunOptions) {
  const S = Math.floor(raw.length / o.inputs / 2);
  const M = o.channels * o.taps;
  const total = S >= M ? Math.floor((S - M) / o.channels) + 1 : 0;
  return { S, config: { inputs: o.inputs, channels: o.channels, taps: o.taps, spectraPerIntegration: Math.max(total, 1) } };
}

async function open(raw: Uint8Array, o: FileRunOptions): Promise<FxBackend> {
  const { backend, notice } = await openBackend(o.backend as BackendChoice, layout(raw, o).config, { threads: o.threads });
  if (notice) process.stderr.write(`${notice}\n`);
  return backend;
}

/** One timed pass over the whole file on an open backend. */
export async function pass(backend: FxBackend, raw: Uint8Array, o: FileRunOptions): Promise<FileRun> {
  const { S } = layout(raw, o);
  const pipeline = new Pipeline(backend);
  const block = o.blockSamples ?? 1 << 18;
  const t0 = performance.now();
  const out = [];
  for (let at = 0; at < S; at += block) {
    const n = Math.min(block, S - at);
    for (let a = 0; a < o.inputs; a++) {
      const base = 2 * (a * S + at);
      out.push(...(await pipeline.push({ input: a, firstSample: at, data: raw.subarray(base, base + 2 * n), receivedAt: 0, dropped: 0 })));
    }
  }
  out.push(...(await pipeline.end()));
  const seconds = (performance.now() - t0) / 1000;
  const visibilities = out[0]?.visibilities ?? new Float64Array(0);
  return { backend: backend.name, samples: S, spectra: out.reduce((n, i) => n + i.spectra, 0), seconds, visibilities };
}

/** The file correlated once, on a backend opened and closed for it. */
export async function correlateFile(raw: Uint8Array, o: FileRunOptions): Promise<FileRun> {
  const backend = await open(raw, o);
  try {
    return await pass(backend, raw, o);
  } finally {
    await backend.close();
  }
}

/**
 * The bench's measurement: one backend, a first (cold) pass that also warms
 * it up (the JIT, WebAssembly tier-up, worker threads' caches), then
 * `repeat` timed passes; the median of those is the steady state a running
 * station sees.
 */
export async function benchFile(raw: Uint8Array, o: FileRunOptions, repeat: number): Promise<{ cold: FileRun; warm: FileRun }> {
  const backend = await open(raw, o);
  try {
    const cold = await pass(backend, raw, o);
    const runs = [];
    for (let i = 0; i < repeat; i++) runs.push(await pass(backend, raw, o));
    return { cold, warm: median(runs, (r) => r.seconds) };
  } finally {
    await backend.close();
  }
}
