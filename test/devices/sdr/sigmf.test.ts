import { describe, expect, it } from 'vitest';
import { checkSigmf, rfc3339, sigmfPaths } from '../../../devices/sdr/sigmf.ts';

const global = { 'core:datatype': 'cu8', 'core:version': '1.2.5', 'core:sample_rate': 2_400_000 };
const check = (meta: unknown, dataBytes: number) => checkSigmf(JSON.stringify(meta), 'r.sigmf-meta', 'r.sigmf-data', dataBytes);

describe('sigmf', () => {
  it('pairs meta and data names, and refuses other names', () => {
    expect(sigmfPaths('/a/b.sigmf-meta')).toEqual({ meta: '/a/b.sigmf-meta', data: '/a/b.sigmf-data' });
    expect(sigmfPaths('/a/b.sigmf-data')).toEqual({ meta: '/a/b.sigmf-meta', data: '/a/b.sigmf-data' });
    expect(() => sigmfPaths('/a/b.cu8')).toThrow(/NAME\.sigmf-meta/);
  });

  it('writes RFC 3339 UTC times ending in Z', () => {
    expect(rfc3339(Date.UTC(2026, 10, 23, 21, 15, 20, 123))).toBe('2026-11-23T21:15:20.123Z');
  });

  it('turns captures with global indices into segments with the samples lost between them', () => {
    const c = check(
      {
        global,
        captures: [
          { 'core:sample_start': 0, 'core:global_index': 0, 'core:frequency': 1e8, 'core:datetime': '2026-01-01T00:00:00Z' },
          { 'core:sample_start': 1000, 'core:global_index': 1500 },
          { 'core:sample_start': 3000, 'core:global_index': 3500 },
        ],
        annotations: [],
      },
      2 * 4000,
    );
    expect(c.sampleRate).toBe(2_400_000);
    expect(c.segments).toEqual([
      { dataStart: 0, length: 1000, streamStart: 0, dropped: 0, frequency: 1e8, time: Date.UTC(2026, 0, 1) },
      { dataStart: 1000, length: 2000, streamStart: 1500, dropped: 500 },
      { dataStart: 3000, length: 1000, streamStart: 3500, dropped: 0 },
    ]);
  });

  it('treats captures without global indices as contiguous, and a file without captures as one', () => {
    expect(check({ global, captures: [{ 'core:sample_start': 0 }, { 'core:sample_start': 10, 'core:frequency': 2e8 }] }, 40).segments).toEqual([
      { dataStart: 0, length: 10, streamStart: 0, dropped: 0 },
      { dataStart: 10, length: 10, streamStart: 10, dropped: 0, frequency: 2e8 },
    ]);
    expect(check({ global }, 40).segments).toEqual([{ dataStart: 0, length: 20, streamStart: 0, dropped: 0 }]);
  });

  it('refuses a global index that goes backwards', () => {
    expect(() =>
      check({ global, captures: [{ 'core:sample_start': 0, 'core:global_index': 100 }, { 'core:sample_start': 10, 'core:global_index': 105 }] }, 40),
    ).toThrow(/r\.sigmf-meta: captures\[1\]\."core:global_index" is 105, before the end of the previous capture \(110\)/);
  });
});
