import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceError } from '../../../devices/errors.ts';
import { FileSource } from '../../../devices/sdr/file-source.ts';
import type { Block } from '../../../devices/sdr/source.ts';
import { counterBytes, firstDifference } from './helpers/fake-librtlsdr.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fringe-replay-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

const goodMeta = {
  global: { 'core:datatype': 'cu8', 'core:version': '1.2.5', 'core:sample_rate': 1_024_000 },
  captures: [{ 'core:sample_start': 0, 'core:frequency': 100e6, 'core:datetime': '2026-01-01T12:00:00.000Z' }],
  annotations: [],
};

/** Writes NAME.sigmf-meta (text or object) and NAME.sigmf-data; returns the meta path. */
function pair(name: string, meta: unknown, data: Uint8Array = counterBytes(0, 1000)): string {
  const base = join(dir, name);
  writeFileSync(`${base}.sigmf-meta`, typeof meta === 'string' ? meta : JSON.stringify(meta));
  writeFileSync(`${base}.sigmf-data`, data);
  return `${base}.sigmf-meta`;
}

async function openError(path: string): Promise<DeviceError> {
  const err = await FileSource.open({ path }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DeviceError);
  return err as DeviceError;
}

describe('FileSource', () => {
  it('replays a raw .cu8 file in blocks with contiguous indices', async () => {
    const path = join(dir, 'raw.cu8');
    writeFileSync(path, counterBytes(0, 10_000));
    const src = await FileSource.open({ path, sampleRate: 2_048_000, centerFrequency: 433.92e6, pacing: false, blockSamples: 4096 });
    expect(src.tuning).toMatchObject({ sampleRate: 2_048_000, centerFrequency: 433.92e6 });
    expect(await src.setCenterFrequency()).toBe(433.92e6); // a recording cannot be retuned
    const got: Block[] = [];
    for await (const b of src.blocks()) got.push(b);
    expect(got.map((b) => [b.firstSample, b.data.length])).toEqual([
      [0, 8192],
      [4096, 8192],
      [8192, 3616],
    ]);
    for (const b of got) expect(firstDifference(b.data, counterBytes(b.firstSample, b.data.length / 2))).toBe(-1);
  });

  it('paces blocks at the sample rate when asked for real time', async () => {
    const path = pair('paced', goodMeta, counterBytes(0, 204_800)); // 200 ms at 1.024 MS/s
    const src = await FileSource.open({ path, blockSamples: 20_480 });
    const t0 = performance.now();
    const arrivals: number[] = [];
    for await (const b of src.blocks()) arrivals.push(performance.now() - t0 - ((b.firstSample + 20_480) / 1_024_000) * 1000);
    // No block comes before its last sample would have been taken (timer resolution 1 ms).
    expect(Math.min(...arrivals)).toBeGreaterThan(-1.5);
    expect(arrivals.length).toBe(10);
  });

  it('replays twice as fast with pacing 2', async () => {
    const path = pair('fast2', goodMeta, counterBytes(0, 102_400)); // 100 ms
    const src = await FileSource.open({ path, pacing: 2, blockSamples: 10_240 });
    const t0 = performance.now();
    let last = 0;
    for await (const b of src.blocks()) last = b.firstSample;
    expect(last).toBe(92_160);
    expect(performance.now() - t0).toBeGreaterThan(48); // ≥ 50 ms of signal time at 2×
  });

  it('names the file and the field of malformed SigMF', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['json', '{"global": {', /json\.sigmf-meta is not valid JSON/],
      ['noglobal', { captures: [] }, /"global" is missing/],
      ['nodatatype', { global: { 'core:version': '1.2.5', 'core:sample_rate': 1 } }, /global\."core:datatype" is missing/],
      ['ci16', { ...goodMeta, global: { ...goodMeta.global, 'core:datatype': 'ci16_le' } }, /global\."core:datatype" is 'ci16_le'; Fringe replays only 'cu8'/],
      ['noversion', { global: { 'core:datatype': 'cu8', 'core:sample_rate': 1 } }, /global\."core:version" is missing/],
      ['norate', { global: { 'core:datatype': 'cu8', 'core:version': '1.2.5' } }, /global\."core:sample_rate" is missing/],
      ['badrate', { global: { ...goodMeta.global, 'core:sample_rate': '2.4M' } }, /global\."core:sample_rate" is "2\.4M"/],
      ['capstart', { ...goodMeta, captures: [{ 'core:sample_start': -1 }] }, /captures\[0\]\."core:sample_start" is -1/],
      ['unsorted', { ...goodMeta, captures: [{ 'core:sample_start': 500 }, { 'core:sample_start': 100 }] }, /captures\[1\]\."core:sample_start" is 100, not after/],
      ['datetime', { ...goodMeta, captures: [{ 'core:sample_start': 0, 'core:datetime': 'yesterday' }] }, /captures\[0\]\."core:datetime" is "yesterday"/],
      ['freq', { ...goodMeta, captures: [{ 'core:sample_start': 0, 'core:frequency': '100M' }] }, /captures\[0\]\."core:frequency"/],
      ['annot', { ...goodMeta, annotations: [{ 'core:label': 'x' }] }, /annotations\[0\]\."core:sample_start" is missing/],
    ];
    for (const [name, meta, pattern] of cases) {
      const err = await openError(pair(name, meta));
      expect(err.kind, name).toBe('invalid');
      expect(err.message, name).toMatch(pattern);
      expect(err.message, name).toContain(`${name}.sigmf-meta`);
    }
  });

  it('counts a recording that began mid-stream from its own first sample, keeping its gaps', async () => {
    // Captures at global indices 606208 and 606208 + 600 + 250: the second after 250 lost samples.
    const meta = { ...goodMeta, captures: [{ 'core:sample_start': 0, 'core:global_index': 606_208 }, { 'core:sample_start': 600, 'core:global_index': 607_058 }] };
    const src = await FileSource.open({ path: pair('midstream', meta), pacing: false, blockSamples: 400 });
    const got: Block[] = [];
    for await (const b of src.blocks()) got.push(b);
    expect(got.map((b) => [b.firstSample, b.data.length / 2, b.dropped])).toEqual([
      [0, 400, 0],
      [400, 200, 0],
      [850, 400, 250],
    ]);
  });

  it('says a truncated data file is truncated, naming it', async () => {
    const meta = { ...goodMeta, captures: [{ 'core:sample_start': 0 }, { 'core:sample_start': 1500, 'core:global_index': 2000 }] };
    const err = await openError(pair('short', meta, counterBytes(0, 1000)));
    expect(err.message).toMatch(/captures\[1\]\."core:sample_start" is 1500, at or past the end of .*short\.sigmf-data \(1000 samples\): the data file is truncated/);
    const odd = await openError(pair('odd', goodMeta, new Uint8Array(2001)));
    expect(odd.message).toMatch(/odd\.sigmf-data has an odd number of bytes \(2001\)/);
  });

  it('says which file is missing', async () => {
    const base = join(dir, 'alone');
    writeFileSync(`${base}.sigmf-meta`, JSON.stringify(goodMeta));
    const err = await openError(`${base}.sigmf-meta`);
    expect(err.kind).toBe('not-found');
    expect(err.message).toContain('alone.sigmf-data');
    expect((await openError(join(dir, 'nothing.sigmf-meta'))).message).toContain('nothing.sigmf-meta');
  });

  it('refuses a FIFO as a file: source at once with a clear error (it blocked forever)', async () => {
    const fifo = join(dir, 'pipe.cu8');
    execFileSync('mkfifo', [fifo]);
    const metaFifo = join(dir, 'piped.sigmf-meta');
    execFileSync('mkfifo', [metaFifo]);
    try {
      for (const path of [fifo, metaFifo]) {
        // Before the fix, opening and reading waited for a writer that never came: a 20 s ceiling says so.
        const outcome = await Promise.race([
          (async () => {
            const src = await FileSource.open({ path, pacing: false });
            for await (const b of src.blocks()) return b;
            return 'ended';
          })().catch((e: unknown) => e),
          new Promise((resolve) => setTimeout(() => resolve('still waiting after 20 s'), 20_000)),
        ]);
        expect(outcome).toBeInstanceOf(DeviceError);
        expect((outcome as DeviceError).kind).toBe('invalid');
        expect((outcome as DeviceError).message).toContain(`${path} is a FIFO (named pipe), not a regular file`);
      }
      expect((await openError(dir)).message).toMatch(/is a directory, not a regular file/);
    } finally {
      // Releases a reader the old code left blocked on the FIFO, so this process can exit.
      for (const f of [fifo, metaFifo]) closeSync(openSync(f, constants.O_RDWR | constants.O_NONBLOCK));
    }
  });
});
