import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { FileSource } from '../../../devices/sdr/file-source.ts';
import { CoherentGroup } from '../../../devices/sdr/group.ts';
import { openSource } from '../../../devices/sdr/open.ts';
import { checkSigmf } from '../../../devices/sdr/sigmf.ts';
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

describe('recordSigmf of a group', () => {
  /** Two inputs of 1000-sample blocks; input 1 loses 300 samples before its block 2. */
  const group = () => CoherentGroup.join([
    new CounterSource({ samplesPerBlock: 1000, tuning: { sampleRate: 2_048_000, centerFrequency: 1_420_405_752 } }),
    new CounterSource({ samplesPerBlock: 1000, drops: { 2: 300 }, tuning: { sampleRate: 2_048_000, centerFrequency: 1_420_405_752 } }),
  ]);
  const sha512 = (path: string) => createHash('sha512').update(readFileSync(path)).digest('hex');

  it('writes a SigMF collection of one recording per input (it wrote one stream of alternating blocks and no core:num_channels: one channel at half the data)', async () => {
    const src = await group();
    const r = await recordSigmf(src, { metaPath: join(dir, 'grp.sigmf-meta'), samples: 4500, description: 'two dishes' });
    await src.close();
    expect(r).toMatchObject({ samples: 4500, dropped: 300, end: 'samples', collectionPath: join(dir, 'grp.sigmf-collection') });
    expect(r.members).toEqual([0, 1].map((k) => ({ metaPath: join(dir, `grp-${k}.sigmf-meta`), dataPath: join(dir, `grp-${k}.sigmf-data`) })));
    // The collection, checked against the SigMF 1.2 collection object: core:version and core:streams of {name, hash = SHA-512 of the meta}.
    const collection = JSON.parse(readFileSync(r.collectionPath!, 'utf8'));
    expect(Object.keys(collection)).toEqual(['collection']);
    expect(collection.collection).toEqual({
      'core:version': '1.2.5',
      'core:description': 'two dishes',
      'core:streams': [0, 1].map((k) => ({ name: `grp-${k}`, hash: sha512(join(dir, `grp-${k}.sigmf-meta`)) })),
    });
    // Each member: an ordinary one-channel cu8 recording of its input only, naming its collection.
    expect(firstDifference(readFileSync(join(dir, 'grp-0.sigmf-data')), counterBytes(0, 4500))).toBe(-1);
    expect(firstDifference(readFileSync(join(dir, 'grp-1.sigmf-data')), Buffer.concat([counterBytes(0, 2000), counterBytes(2300, 2500)]))).toBe(-1);
    for (const k of [0, 1]) {
      const meta = readFileSync(join(dir, `grp-${k}.sigmf-meta`), 'utf8');
      const checked = checkSigmf(meta, `grp-${k}.sigmf-meta`, `grp-${k}.sigmf-data`, 9000);
      expect(checked.meta.global).toMatchObject({ 'core:datatype': 'cu8', 'core:collection': 'grp', 'core:hw': `test counter, input ${k} of 2` });
      expect(checked.meta.global['core:num_channels']).toBeUndefined();
      expect(checked.segments.map((g) => [g.dataStart, g.length, g.streamStart, g.dropped])).toEqual(k === 0 ? [[0, 4500, 0, 0]] : [[0, 2000, 0, 0], [2000, 2500, 2300, 300]]);
    }
    expect(existsSync(join(dir, 'grp.sigmf-meta'))).toBe(false);
  });

  it('replays as the same group through file:NAME.sigmf-collection, and refuses a member changed after the collection was written', async () => {
    const src = await group();
    await recordSigmf(src, { metaPath: join(dir, 'again.sigmf-meta'), samples: 3000 });
    await src.close();
    const replay = await openSource(`file:${join(dir, 'again.sigmf-collection')}`, { pacing: false });
    expect(replay).toBeInstanceOf(CoherentGroup);
    expect((replay as CoherentGroup).inputs).toBe(2);
    expect(replay.tuning).toMatchObject({ sampleRate: 2_048_000, centerFrequency: 1_420_405_752 });
    const inputs = new Set<number>();
    for await (const b of replay.blocks()) {
      inputs.add(b.input);
      expect(firstDifference(b.data, counterBytes(b.firstSample, b.data.length / 2))).toBe(-1);
    }
    await replay.close();
    expect([...inputs].sort()).toEqual([0, 1]);
    // Each member exactly, with its own gap (the group itself ends with its first member to end).
    const members = await FileSource.openCollection(join(dir, 'again.sigmf-collection'), { pacing: false, blockSamples: 1000 });
    const got = await Promise.all(members.map(async (m) => {
      const blocks: Block[] = [];
      for await (const b of m.blocks()) blocks.push(b);
      return blocks.map((b) => [b.input, b.firstSample, b.data.length / 2, b.dropped]);
    }));
    expect(got).toEqual([
      [[0, 0, 1000, 0], [0, 1000, 1000, 0], [0, 2000, 1000, 0]],
      [[1, 0, 1000, 0], [1, 1000, 1000, 0], [1, 2300, 1000, 300]],
    ]);
    // A member replaced after the collection was written: its hash no longer matches.
    const meta1 = join(dir, 'again-1.sigmf-meta');
    writeFileSync(meta1, readFileSync(meta1, 'utf8').replace('"core:description"', '"core:description"').replace('}\n', '} \n'));
    await expect(openSource(`file:${join(dir, 'again.sigmf-collection')}`, { pacing: false })).rejects.toMatchObject({
      kind: 'invalid', message: expect.stringMatching(/core:streams"\]?\[1\]\.hash does not match .*again-1\.sigmf-meta/),
    });
  });
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
