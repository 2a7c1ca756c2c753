/** Correlating a planar cu8 file as one integration, timed: shared by bench:fx and the peer-agreement tests. */
import { Pipeline } from '../correlator/pipeline.ts';
import type { BackendChoice } from '../correlator/types.ts';
import { openBackend } from '../src/engine/backend.ts';

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
  /** Samples per block pushed (the stream is fed like a dongle's). Default 2^18. */
  blockSamples?: number;
}

export async function correlateFile(raw: Uint8Array, o: FileRunOptions): Promise<FileRun> {
  const S = Math.floor(raw.length / o.inputs / 2);
  const M = o.channels * o.taps;
  const total = S >= M ? Math.floor((S - M) / o.channels) + 1 : 0;
  const config = { inputs: o.inputs, channels: o.channels, taps: o.taps, spectraPerIntegration: Math.max(total, 1) };
  const { backend, notice } = await openBackend(o.backend as BackendChoice, config, { threads: o.threads });
  if (notice) process.stderr.write(`${notice}\n`);
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
  await backend.close();
  const visibilities = out[0]?.visibilities ?? new Float64Array(0);
  return { backend: backend.name, samples: S, spectra: out.reduce((n, i) => n + i.spectra, 0), seconds, visibilities };
}
