/**
 * npm run bench:fx -- --file IN.cu8 --inputs N --channels C --taps T
 *                     [--threads K] [--backend reference|cpu|gpu] [--out VIS.f32] [--peers] [--repeat R]
 *
 * Reads the planar cu8 file that ../shared/peers/make_input.py writes (input
 * a's S samples at byte 2·a·S), correlates it as one integration, and prints
 * one JSON line with the peers' fields. --out writes the visibilities in the
 * peers' layout (baseline-major, channel in fft-shifted order, float32 re/im,
 * sums). --peers also runs numpy_fx.py and fftw_fx.c on the same file and
 * prints each one's line and our ratio to it. Fringe makes one warm-up pass
 * (JIT, WebAssembly tier-up), then R timed passes (default 3) on the same
 * backend; the peers run R times; each reports its median time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { runPeers, type BenchLine } from './peers.ts';
import { benchFile } from './fx-run.ts';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    inputs: { type: 'string' },
    channels: { type: 'string', default: '1024' },
    taps: { type: 'string', default: '4' },
    threads: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'cpu' },
    out: { type: 'string' },
    peers: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '3' },
  },
});

function int(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`bench:fx: --${name} must be a whole number (got ${v})`);
    process.exit(2);
  }
  return n;
}

if (!values.file || !values.inputs) {
  console.error('usage: npm run bench:fx -- --file IN.cu8 --inputs N [--channels C] [--taps T] [--threads K] [--backend reference|cpu|gpu] [--out VIS.f32] [--peers]');
  process.exit(2);
}
const inputs = int('inputs', values.inputs), channels = int('channels', values.channels), taps = int('taps', values.taps);
const threads = int('threads', values.threads);
const raw = new Uint8Array(readFileSync(values.file));

const repeat = Math.max(1, int('repeat', values.repeat));
const { cold, warm: result } = await benchFile(raw, { inputs, channels, taps, threads, backend: values.backend! }, repeat);
const line: BenchLine = {
  impl: `fringe-${result.backend}`,
  threads: result.backend === 'cpu' ? threads : undefined,
  cores: cpus().length,
  inputs,
  channels,
  taps,
  samples: result.samples,
  spectra: result.spectra,
  seconds: Number(result.seconds.toFixed(4)),
  msps_per_input: Number((result.samples / result.seconds / 1e6).toFixed(3)),
  cold_msps_per_input: Number((cold.samples / cold.seconds / 1e6).toFixed(3)),
};
console.log(JSON.stringify(line));
if (values.out) {
  writeFileSync(values.out, Float32Array.from(result.visibilities));
}
if (values.peers) {
  for (const peer of await runPeers(values.file, inputs, channels, taps, repeat)) {
    console.log(JSON.stringify({ ...peer, ratio: Number((line.msps_per_input / peer.msps_per_input).toFixed(3)) }));
  }
}
