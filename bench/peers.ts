/**
 * The peers of ../shared/peers: numpy_fx.py (Debian's python3 with numpy)
 * and fftw_fx.c (compiled here with -O3 -march=native -fcx-limited-range),
 * run on the same file in this process tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export interface BenchLine {
  impl: string;
  inputs: number;
  channels: number;
  taps: number;
  samples: number;
  spectra: number;
  seconds: number;
  msps_per_input: number;
  [extra: string]: unknown;
}

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** ../shared/peers beside the checkout. */
export const peersDir = join(root, '..', 'shared', 'peers');

/** Compiles fftw_fx.c once into build/ and returns the binary's path. */
export function fftwPeer(): string {
  const out = join(root, 'build', 'fftw_fx');
  const src = join(peersDir, 'fftw_fx.c');
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
    mkdirSync(dirname(out), { recursive: true });
    execFileSync('cc', ['-O3', '-march=native', '-fcx-limited-range', '-o', out, src, '-lfftw3f', '-lm']);
  }
  return out;
}

export function runNumpyPeer(file: string, inputs: number, channels: number, taps: number, outFile?: string): BenchLine {
  const args = [join(peersDir, 'numpy_fx.py'), file, '--inputs', String(inputs), '--channels', String(channels), '--taps', String(taps)];
  if (outFile) args.push('--out', outFile);
  return JSON.parse(execFileSync('/usr/bin/python3', args, { encoding: 'utf8' }).trim().split('\n').pop()!);
}

export function runFftwPeer(file: string, inputs: number, channels: number, taps: number, outFile?: string): BenchLine {
  const args = [file, String(inputs), String(channels), String(taps)];
  if (outFile) args.push(outFile);
  return JSON.parse(execFileSync(fftwPeer(), args, { encoding: 'utf8' }).trim().split('\n').pop()!);
}

/** The element with the median `key` (the lower middle one for an even count). */
export function median<T>(items: T[], key: (t: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor((items.length - 1) / 2)];
}

/** Each peer run `repeat` times on the file; the median run of each. */
export async function runPeers(file: string, inputs: number, channels: number, taps: number, repeat = 1): Promise<BenchLine[]> {
  const runs = (f: () => BenchLine) => median(Array.from({ length: repeat }, f), (l) => l.seconds);
  return [runs(() => runNumpyPeer(file, inputs, channels, taps)), runs(() => runFftwPeer(file, inputs, channels, taps))];
}
