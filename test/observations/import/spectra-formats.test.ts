/** The averaged-spectrum readers (observations/import/spectra-formats.ts) on small texts with known content. */
import { describe, expect, it } from 'vitest';
import { SpectraError, detectSpectraFormat, parseNsfAst, parseRtlPowerCsv, parseRtlPowerFftw, parseTwoColumnCsv, sexagesimal, utcSeconds } from '../../../observations/import/spectra-formats.ts';

describe('spectra formats', () => {
  it('detects each format by name and first lines; a strip chart (UTC first column) is not a two-column spectrum', () => {
    expect(detectSpectraFormat('x.hot', '')).toBe('nsf-ast');
    expect(detectSpectraFormat('x.ast.gz', '')).toBe('nsf-ast');
    expect(detectSpectraFormat('m.dat', '# rtl-power-fftw output\n# Acquisition start: 2019-04-21 11:41:49 UTC\n')).toBe('rtl-power-fftw');
    expect(detectSpectraFormat('s.csv', '2024-01-02, 10:00:00, 1419000000, 1421000000, 1000000, 10, -20.1, -20.2\n')).toBe('rtl-power-csv');
    expect(detectSpectraFormat('b.csv', 'V_LSR,T_brightness\n331.7,0.81\n331.3,0.37\n')).toBe('two-column-csv');
    expect(detectSpectraFormat('h.csv', '1.415e+03,5.1e+03\n1.4150024e+03,5.2e+03\n')).toBe('two-column-csv');
    expect(detectSpectraFormat('p.csv', 'time,power\n2024-01-02T10:00:00Z,1.5\n')).toBeNull();
  });
  it('reads sexagesimal angles and UTC stamps', () => {
    expect(sexagesimal('-79:49:51.060')).toBeCloseTo(-(79 + 49 / 60 + 51.06 / 3600), 9);
    expect(sexagesimal('+38:25:18.84')).toBeCloseTo(38.4219, 4);
    expect(utcSeconds('2018-11-05 17:09:42.023082')).toBeCloseTo(Date.UTC(2018, 10, 5, 17, 9, 42) / 1000 + 0.023082, 6);
    expect(utcSeconds('2019-04-21 12:18:07 UTC')).toBe(Date.UTC(2019, 3, 21, 12, 18, 7) / 1000);
  });
  it('NSF .ast: header keys, rows, NCHAN checked, the line that is wrong named', () => {
    const rows = Array.from({ length: 4 }, (_, i) => `000${i} ${1420000000 + i * 1000} ${100 + i}`).join('\n');
    const f = parseNsfAst(`# UTC       = 2018-11-05 17:09:42.0\n# AZ        = 0.0\n# EL        = 50.0\n# NCHAN     = 4\n# Duration  = 10\n${rows}\n`);
    expect(f.header).toMatchObject({ AZ: '0.0', EL: '50.0', NCHAN: '4' });
    expect(Array.from(f.spectra[0]!.y)).toEqual([100, 101, 102, 103]);
    expect(f.spectra[0]!.end! - f.spectra[0]!.time!).toBeCloseTo(10, 9);
    expect(() => parseNsfAst('# NCHAN = 5\n' + rows)).toThrow(/NCHAN = 5 but the file has 4 rows/);
    expect(() => parseNsfAst(`${rows}\n0004 x 5`)).toThrow(SpectraError);
    expect(() => parseNsfAst(`${rows}\n0004 x 5`)).toThrow(/line 5/);
  });
  it('rtl-power-fftw: one spectrum per block with its start and end; dB values are converted', () => {
    const block = (t: string, v: number) => `# rtl-power-fftw output\n# Acquisition start: 2019-04-21 ${t} UTC\n# Acquisition end: 2019-04-21 ${t.replace(/:(\d\d)$/, (_, s) => `:${String(Number(s) + 20).padStart(2, '0')}`)} UTC\n#\n# frequency [Hz] power spectral density [dB/Hz]\n1.4194e+09 ${v}\n1.4195e+09 ${v}\n\n`;
    const f = parseRtlPowerFftw(block('11:41:10', 2e-5) + block('11:41:31', 3e-5));
    expect(f.spectra).toHaveLength(2);
    expect(f.spectra[1]!.time! - f.spectra[0]!.time!).toBe(21);
    expect(f.spectra[0]!.end! - f.spectra[0]!.time!).toBe(20);
    const db = parseRtlPowerFftw(block('11:41:10', -30));
    expect(db.spectra[0]!.y[0]).toBeCloseTo(1e-3, 12);
    expect(db.notes.join()).toMatch(/dB/);
  });
  it('rtl_power CSV: hops of one sweep joined in frequency order, bins at their centres, dB → linear', () => {
    const text = [
      '2024-01-02, 10:00:00, 1421000000, 1422000000, 250000, 10, -10, -20, -30, -40',
      '2024-01-02, 10:00:00, 1420000000, 1421000000, 250000, 10, 0, 10, 20, 30',
      '2024-01-02, 10:00:10, 1420000000, 1421000000, 250000, 10, 0, 0, 0, 0',
      '2024-01-02, 10:00:10, 1421000000, 1422000000, 250000, 10, 0, 0, 0, 0',
    ].join('\n');
    const f = parseRtlPowerCsv(text);
    expect(f.spectra).toHaveLength(2);
    expect(Array.from(f.spectra[0]!.x)).toEqual([1420125000, 1420375000, 1420625000, 1420875000, 1421125000, 1421375000, 1421625000, 1421875000]);
    expect(f.spectra[0]!.y[3]).toBeCloseTo(1000, 9);
    expect(f.spectra[0]!.y[4]).toBeCloseTo(0.1, 12);
    expect(f.spectra[1]!.time! - f.spectra[0]!.time!).toBe(10);
    expect(() => parseRtlPowerCsv('2024-01-02, 10:00:00, a, b, c, d, 1')).toThrow(/line 1/);
  });
  it('two-column CSV: header or --axis says the axis; MHz recognised; kelvin from the header', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${(1420 + i * 0.01).toFixed(2)},${i}`).join('\n');
    const f = parseTwoColumnCsv(rows);
    expect(f.axis).toBe('frequency');
    expect(f.spectra[0]!.x[0]).toBeCloseTo(1.42e9, 0);
    expect(f.kelvin).toBe(false);
    const v = parseTwoColumnCsv('V_LSR,T_brightness\n' + Array.from({ length: 10 }, (_, i) => `${-i},${i}`).join('\n'));
    expect(v).toMatchObject({ axis: 'velocity', kelvin: true, unit: 'K' });
    expect(() => parseTwoColumnCsv(Array.from({ length: 10 }, (_, i) => `${i},${i}`).join('\n'))).toThrow(/--axis frequency or --axis velocity/);
    expect(parseTwoColumnCsv(Array.from({ length: 10 }, (_, i) => `${i},${i}`).join('\n'), { axis: 'velocity' }).axis).toBe('velocity');
    expect(() => parseTwoColumnCsv('1,2\n3,4')).toThrow(/only 2 rows/);
  });
});
