import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource } from '../../../devices/sdr/file-source.ts';
import { recordSigmf } from '../../../devices/sdr/recorder.ts';
import { RtlSdrSource } from '../../../devices/sdr/rtlsdr-source.ts';
import type { Block } from '../../../devices/sdr/source.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { CounterSource } from './helpers/counter-source.ts';
import { buildFakeLibRtlSdr, counterBytes, firstDifference, resetFakeEnv } from './helpers/fake-librtlsdr.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fringe-record-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

describe('recordSigmf', () => {
  it('writes the exact cu8 bytes and a meta with captures and annotations for each gap', async () => {
    const src = new CounterSource({ samplesPerBlock: 1000, drops: { 3: 250, 7: 4 }, tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_048_000 } });
    const metaPath = join(dir, 'gaps.sigmf-meta');
    const seen: number[] = [];
    const r = await recordSigmf(src, { metaPath, samples: 9_500, onProgress: (p) => seen.push(p.samples), description: 'test' });
    expect(r).toMatchObject({ samples: 9_500, dropped: 254, captures: 3, end: 'samples', dataPath: join(dir, 'gaps.sigmf-data') });
    expect(seen.at(-1)).toBe(9_500);
    // Data: blocks 0–2 (samples 0–2999), then 3250–7249, then 7254–9753, cut at 9 500 samples written.
    const data = readFileSync(r.dataPath);
    expect(data.length).toBe(19_000);
    const expected = Buffer.concat([counterBytes(0, 3000), counterBytes(3250, 4000), counterBytes(7254, 2500)]);
    expect(firstDifference(data, expected)).toBe(-1);
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    expect(meta.global).toMatchObject({ 'core:datatype': 'cu8', 'core:version': '1.2.5', 'core:sample_rate': 2_048_000, 'core:description': 'test' });
    expect(meta.captures.map((c: Record<string, unknown>) => [c['core:sample_start'], c['core:global_index'], c['core:frequency']])).toEqual([
      [0, 0, 1_420_405_752],
      [3000, 3250, 1_420_405_752],
      [7000, 7254, 1_420_405_752],
    ]);
    for (const c of meta.captures) expect(c['core:datetime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(meta.annotations.map((a: Record<string, unknown>) => [a['core:sample_start'], a['core:label'], a['core:comment']])).toEqual([
      [3000, 'dropped', '250 samples lost before this sample (source: counter)'],
      [7000, 'dropped', '4 samples lost before this sample (source: counter)'],
    ]);
  });

  it('replays its own recording with the original stream indices and drops', async () => {
    const src = new CounterSource({ samplesPerBlock: 1000, drops: { 2: 100 }, tuning: { sampleRate: 1_024_000 } });
    const metaPath = join(dir, 'replay.sigmf-meta');
    await recordSigmf(src, { metaPath, samples: 5000 });
    const file = await FileSource.open({ path: metaPath, pacing: false, blockSamples: 700 });
    expect(file.tuning.sampleRate).toBe(1_024_000);
    expect(file.samples).toBe(5000);
    const got: Block[] = [];
    for await (const b of file.blocks()) got.push(b);
    expect(got.map((b) => [b.firstSample, b.data.length / 2, b.dropped])).toEqual([
      [0, 700, 0],
      [700, 700, 0],
      [1400, 600, 0],
      [2100, 700, 100], // the capture after the gap
      [2800, 700, 0],
      [3500, 700, 0],
      [4200, 700, 0],
      [4900, 200, 0],
    ]);
    for (const b of got) expect(firstDifference(b.data, counterBytes(b.firstSample, b.data.length / 2))).toBe(-1);
  });

  it('the meta has a capture with the frequency and the start time from the start, not "captures": []', async () => {
    const metaPath = join(dir, 'early.sigmf-meta');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let waiting!: () => void;
    const reached = new Promise<void>((r) => (waiting = r));
    const inner = new CounterSource({ samplesPerBlock: 100, blocks: 3, tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_048_000 } });
    // A source whose first block is late: what a kill -9 before (or after) it finds on disk.
    const late = Object.assign(Object.create(inner) as CounterSource, {
      async *blocks() {
        waiting();
        await gate;
        yield* inner.blocks();
      },
    });
    const t0 = Date.now();
    const done = recordSigmf(late, { metaPath });
    await reached;
    const early = JSON.parse(readFileSync(metaPath, 'utf8'));
    expect(early.captures).toHaveLength(1);
    expect(early.captures[0]).toMatchObject({ 'core:sample_start': 0, 'core:frequency': 1_420_405_752 });
    expect(Math.abs(Date.parse(early.captures[0]['core:datetime']) - t0)).toBeLessThan(5000);
    release();
    await done;
    const final = JSON.parse(readFileSync(metaPath, 'utf8'));
    expect(final.captures).toHaveLength(1);
    expect(final.captures[0]).toMatchObject({ 'core:sample_start': 0, 'core:global_index': 0, 'core:frequency': 1_420_405_752 });
  });

  it('a full disk (ENOSPC, written through /dev/full) stops the recording as disk full', async () => {
    const metaPath = join(dir, 'full.sigmf-meta');
    symlinkSync('/dev/full', join(dir, 'full.sigmf-data'));
    const err = await recordSigmf(new CounterSource({ samplesPerBlock: 1000 }), { metaPath, samples: 5000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'disk-full', message: expect.stringMatching(/^disk full: writing .*full\.sigmf-data failed after 0 samples \(ENOSPC.*free some space/) });
    // The meta beside it still says what the recording is.
    expect(JSON.parse(readFileSync(metaPath, 'utf8')).captures[0]).toMatchObject({ 'core:sample_start': 0, 'core:global_index': 0 });
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    const src = new CounterSource({ samplesPerBlock: 500 });
    const r = await recordSigmf(src, {
      metaPath: join(dir, 'abort.sigmf-meta'),
      signal: ac.signal,
      onProgress: (p) => p.samples >= 2000 && ac.abort(),
    });
    expect(r).toMatchObject({ samples: 2000, end: 'aborted' });
    expect(statSync(r.dataPath).size).toBe(4000);
  });

  it('names the recording when the file cannot be written', async () => {
    await expect(recordSigmf(new CounterSource(), { metaPath: join(dir, 'no', 'such', 'x.sigmf-meta'), samples: 10 })).rejects.toMatchObject({
      kind: 'io',
      message: /Cannot write .*x\.sigmf-data.*folder exists/,
    });
    await expect(recordSigmf(new CounterSource(), { metaPath: join(dir, 'x.wav'), samples: 10 })).rejects.toMatchObject({ kind: 'invalid', message: /NAME\.sigmf-meta/ });
  });
});

describe.skipIf(skipUnless(tools.cc()))('recording a dongle (librtlsdr stand-in) that is unplugged', () => {
  afterEach(() => resetFakeEnv());

  it('keeps what was recorded, writes a valid meta and rethrows unplugged', async () => {
    process.env.FAKE_RTLSDR_UNPLUG_AFTER = '6';
    const dongle = await RtlSdrSource.open({ libraryPath: buildFakeLibRtlSdr(), bufferLength: 16_384 });
    const metaPath = join(dir, 'unplug.sigmf-meta');
    const err = await recordSigmf(dongle, { metaPath, samples: 1_000_000 }).catch((e: unknown) => e);
    await dongle.close();
    expect(err).toMatchObject({ kind: 'unplugged', message: /The 49152 samples recorded before it are kept in .*unplug\.sigmf-meta/ });
    const file = await FileSource.open({ path: metaPath, pacing: false });
    const got: Block[] = [];
    for await (const b of file.blocks()) got.push(b);
    expect(got.length).toBe(1);
    expect(firstDifference(got[0]!.data, counterBytes(0, 49_152))).toBe(-1);
    expect(file.info.name).toContain('unplug.sigmf-meta');
  });
});
