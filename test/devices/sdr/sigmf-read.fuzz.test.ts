/**
 * Reading SigMF (devices/sdr/sigmf.ts checkSigmf, FileSource): damaged or
 * hostile meta is refused with a DeviceError 'invalid' naming the field; a
 * recording that is read gives every data sample once, with each gap as a
 * drop (Block.dropped) at an exact stream index. Fuzzed (fast-check, seeded,
 * bounded) on the meta alone, and on real files read through FileSource.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../../devices/errors.ts';
import { FileSource } from '../../../devices/sdr/file-source.ts';
import { checkSigmf } from '../../../devices/sdr/sigmf.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fringe-sigmf-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const global = { 'core:datatype': 'cu8', 'core:version': '1.2.5', 'core:sample_rate': 2_400_000 };
const meta = (g: object, captures: object[]) => JSON.stringify({ global: { ...global, ...g }, captures, annotations: [] });

function invalid(f: () => unknown): DeviceError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).kind).toBe('invalid');
    return err as DeviceError;
  }
  throw new Error('accepted');
}

describe('SigMF meta on read', () => {
  it('a recording with a gap of 2^53 samples was "complete" with no drop event: the global index is refused, naming the field', () => {
    const err = invalid(() => checkSigmf(meta({}, [{ 'core:sample_start': 0, 'core:global_index': 0 }, { 'core:sample_start': 100, 'core:global_index': 2 ** 53 }]), 'x.sigmf-meta', 'x.sigmf-data', 400));
    expect(err.message).toMatch(/captures\[1\]\."core:global_index" is 9007199254740992; it must be a whole number from 0 to 2\^53 − 1/);
    const near = invalid(() => checkSigmf(meta({}, [{ 'core:sample_start': 0 }, { 'core:sample_start': 100, 'core:global_index': 2 ** 53 - 10 }]), 'x.sigmf-meta', 'x.sigmf-data', 400));
    expect(near.message).toMatch(/captures\[1\]\."core:global_index" .*passes 2\^53 − 1/);
    // A large gap that stays exact is a drop of exactly that many samples.
    const ok = checkSigmf(meta({}, [{ 'core:sample_start': 0 }, { 'core:sample_start': 100, 'core:global_index': 2 ** 52 }]), 'x.sigmf-meta', 'x.sigmf-data', 400);
    expect(ok.segments[1]).toMatchObject({ dataStart: 100, length: 100, streamStart: 2 ** 52, dropped: 2 ** 52 - 100 });
  });

  it('a sample rate of 1e-300 gave "complete" with 0 samples and "NaN %": a rate an RTL-SDR cannot have is refused, naming the field', () => {
    for (const rate of [1e-300, 1, 48_000, 3.3e6, 1e300]) {
      expect(invalid(() => checkSigmf(meta({ 'core:sample_rate': rate }, []), 'x.sigmf-meta', 'x.sigmf-data', 400)).message, String(rate)).toMatch(
        /global\."core:sample_rate" is .* Hz, outside what an RTL-SDR can sample \(225 kHz to 3\.2 MHz\)/,
      );
    }
    expect(checkSigmf(meta({ 'core:sample_rate': 250_000 }, []), 'x.sigmf-meta', 'x.sigmf-data', 400).sampleRate).toBe(250_000);
  });

  it('any meta text: a checked recording whose segments cover the data exactly, or a DeviceError naming the file', () => {
    const n = fc.oneof(fc.integer({ min: -10, max: 5000 }), fc.constantFrom(2 ** 53, 2 ** 53 - 1, 2 ** 60, -0, 0.5, 1e-300, 1e300, Number.MAX_SAFE_INTEGER), fc.double());
    const capture = fc.record({ 'core:sample_start': n, 'core:global_index': fc.option(n, { nil: undefined }), 'core:frequency': fc.option(n, { nil: undefined }) }, { requiredKeys: [] });
    const structured = fc.tuple(fc.oneof(n, fc.constantFrom(2_400_000, 1_024_000)), fc.array(capture, { maxLength: 5 })).map(([rate, caps]) => meta({ 'core:sample_rate': rate }, caps));
    const text = fc.oneof(structured, fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 20_000 }), (t, dataBytes) => {
        let checked;
        try {
          checked = checkSigmf(t, 'f.sigmf-meta', 'f.sigmf-data', dataBytes);
        } catch (err) {
          expect(err).toBeInstanceOf(DeviceError);
          expect((err as DeviceError).message).toMatch(/f\.sigmf-(meta|data)/);
          return;
        }
        expect(dataBytes % 2).toBe(0);
        expect(checked.sampleRate).toBeGreaterThanOrEqual(225_000);
        expect(checked.sampleRate).toBeLessThanOrEqual(3_200_001);
        expect(checked.segments.reduce((s, g) => s + g.length, 0)).toBe(dataBytes / 2);
        for (const g of checked.segments) {
          for (const v of [g.dataStart, g.length, g.streamStart, g.dropped, g.streamStart + g.length]) expect(Number.isSafeInteger(v) && v >= 0, JSON.stringify(g)).toBe(true);
        }
      }),
      { seed: 53, numRuns: 600, interruptAfterTimeLimit: 2000 },
    );
  });
});

describe('SigMF data through FileSource', () => {
  it('every data sample comes out once, gaps as drops at exact stream indexes, however the captures and blocks fall', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 0, max: 10_000 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 600 }),
        async (captures, blockSamples) => {
          // Captures: [samples in it, samples lost before it].
          const caps: object[] = [];
          let dataStart = 0, stream = 0;
          for (const [len, gap] of captures) {
            stream += caps.length ? gap : 0;
            caps.push({ 'core:sample_start': dataStart, 'core:global_index': stream });
            dataStart += len;
            stream += len;
          }
          const data = Uint8Array.from({ length: 2 * dataStart }, (_, i) => (i * 7) & 0xff);
          const base = join(dir, `r${run++}`);
          writeFileSync(`${base}.sigmf-meta`, meta({}, caps));
          writeFileSync(`${base}.sigmf-data`, data);
          const src = await FileSource.open({ path: `${base}.sigmf-meta`, pacing: false, blockSamples });
          const got: number[] = [];
          let expectIndex = 0, dropped = 0;
          try {
            for await (const b of src.blocks()) {
              expect(b.firstSample).toBe(expectIndex + b.dropped);
              expectIndex = b.firstSample + b.data.length / 2;
              dropped += b.dropped;
              got.push(...b.data);
            }
          } finally {
            await src.close();
          }
          expect(Uint8Array.from(got)).toEqual(data);
          expect(dropped).toBe(captures.slice(1).reduce((s, [, gap]) => s + gap, 0));
        },
      ),
      { seed: 88, numRuns: 40, interruptAfterTimeLimit: 4000 },
    );
  }, 30_000);
});
