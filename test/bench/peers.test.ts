/**
 * Number-for-number agreement with the peers in ../shared/peers on the same
 * input file: numpy_fx.py (Debian's numpy) and fftw_fx.c (FFTW, float32).
 * All three compute fx.md in float32 with wider sums, so they agree with one
 * another to fx.md's tolerance (1e-4 of the peak visibility).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { correlateFile } from '../../bench/fx-run.ts';
import { peersDir, runFftwPeer, runNumpyPeer } from '../../bench/peers.ts';
import { relativeToPeak } from '../../src/analysis/signals.ts';
import { skipUnless, tools } from '../helpers/tools.ts';
import { tolerance } from '../correlator/conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-peers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 3, C = 256, T = 4, S = 200_000;
const input = join(dir, 'in.cu8');

function makeInput(): void {
  execFileSync('/usr/bin/python3', [join(peersDir, 'make_input.py'), input, '--inputs', String(N), '--samples', String(S), '--seed', '3']);
}

async function ours(): Promise<Float64Array> {
  const run = await correlateFile(new Uint8Array(readFileSync(input)), { inputs: N, channels: C, taps: T, threads: 0, backend: 'cpu', blockSamples: 12_345 });
  expect(run.spectra).toBe(Math.floor((S - C * T) / C) + 1);
  return run.visibilities;
}

describe('agreement with the peers on make_input.py data', () => {
  const numpy = skipUnless(tools.numpy());
  it.skipIf(numpy)(`matches numpy_fx.py number for number${numpy ? ` (skipped: ${numpy})` : ''}`, async () => {
    makeInput();
    const out = join(dir, 'numpy.f32');
    const line = runNumpyPeer(input, N, C, T, out);
    expect(line).toMatchObject({ impl: 'numpy', inputs: N, channels: C, taps: T, samples: S });
    const theirs = new Float32Array(readFileSync(out).buffer.slice(0));
    const mine = await ours();
    expect(theirs.length).toBe(mine.length);
    expect(relativeToPeak(mine, theirs)).toBeLessThan(tolerance);
    // The cross-correlations are real signal (the sky is common to all inputs), not just noise floors.
    // Baseline 1 is (0,1): its magnitude is a sizeable fraction of the autos.
    expect(Math.hypot(theirs[2 * (C + 85)], theirs[2 * (C + 85) + 1]) / theirs[2 * 85]).toBeGreaterThan(0.1);
  });

  const fftw = skipUnless(tools.fftw() ?? tools.numpy());
  it.skipIf(fftw)(`matches fftw_fx.c number for number${fftw ? ` (skipped: ${fftw})` : ''}`, async () => {
    makeInput();
    const out = join(dir, 'fftw.f32');
    expect(runFftwPeer(input, N, C, T, out)).toMatchObject({ impl: 'fftw-c', samples: S });
    const theirs = new Float32Array(readFileSync(out).buffer.slice(0));
    expect(relativeToPeak(await ours(), theirs)).toBeLessThan(tolerance);
  });
});
