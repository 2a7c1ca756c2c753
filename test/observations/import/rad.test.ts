/** The SRT .rad parser: every line kind of the real file, errors that name the line, and a seeded fuzz. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RadError, parseRad, radTime } from '../../../observations/import/rad.ts';

const srtFile = new URL('../../../../shared/data/real/sun-crossscan-srt-rad/az_el_scan_RPSG_sun.rad', import.meta.url);
const real = readFileSync(srtFile, 'latin1');

const dataLine = (over: Partial<{ time: string; az: string; el: string; nchan: number; values: string[]; tail: string }> = {}) => {
  const nchan = over.nchan ?? 4;
  const values = over.values ?? Array.from({ length: nchan }, (_, k) => (100 + k).toFixed(1));
  return [over.time ?? '2015:078:22:17:11', over.az ?? '191.5', over.el ?? '37.1', '-24.3', '2.6', '1414.39', '0.00781250', '4', String(nchan), ...values].join('\t') + (over.tail ?? '\tvlsr\t10.24');
};

function radError(text: string): RadError {
  try {
    parseRad(text);
  } catch (err) {
    if (err instanceof RadError) return err;
    throw err;
  }
  throw new Error('parseRad accepted it');
}

describe('parseRad on the real SRT cross-scan (2015-03-19, 1415 MHz)', () => {
  const f = parseRad(real);
  it('reads the STATION line as the site (LONGW 123.60 is 123.6° west)', () => {
    expect(f.station).toEqual({ line: 1, lat: 49.2, lon: -123.6 });
  });
  it('reads the 70 spectra: one of 64 channels from 1419.75 MHz, 69 of 156 from 1414.39 MHz', () => {
    expect(f.records).toHaveLength(70);
    expect(f.records.filter((r) => r.spectrum.length === 64).map((r) => [r.line, r.fstart])).toEqual([[3, 1419.75]]);
    expect(f.records.filter((r) => r.spectrum.length === 156)).toHaveLength(69);
    expect(f.records.every((r) => r.fstep === 0.0078125)).toBe(true);
  });
  it('reads a data line whole: time, az/el, offsets, first and last channel, vlsr', () => {
    const r = f.records.find((x) => x.line === 18)!;
    expect(new Date(r.time * 1000).toISOString()).toBe('2015-03-19T22:17:11.000Z');
    expect([r.az, r.el, r.azOffset, r.elOffset, r.mode]).toEqual([191.5, 37.1, -24.3, 2.6, 4]);
    expect(r.spectrum[0]).toBe(1.1);
    expect(r.spectrum[8]).toBe(132.2);
    expect(r.unit).toBe('K');
    expect(typeof r.vlsr).toBe('number');
  });
  it('reads the calibration line and marks the spectra before it as counts, after it as kelvin', () => {
    expect(f.calibrations).toEqual([{ line: 15, tsys: 139, calcons: 0.09, trecvr: 119, tload: 200, tspill: 20 }]);
    expect(f.records.filter((r) => r.unit === 'counts').map((r) => r.line)).toEqual([3, 5, 7, 9, 11, 13, 14]);
  });
  it('reads the 68 echoed commands of az_el_scan.cmd in order', () => {
    expect(f.commands).toHaveLength(68);
    expect(f.commands[0]).toEqual({ line: 2, file: 'az_el_scan.cmd', commandLine: 2, command: 'record az_el_scan_RPSG.rad' });
    expect(f.commands.slice(1, 6).map((c) => c.command)).toEqual(['frequency 1415.0 4', 'Sun', 'offset -30 0', 'calibrate', 'noisecal']);
    expect(f.commands.at(-1)!.command).toBe('offset 5.7 32.6');
    expect(f.comments).toEqual([]);
  });
});

describe('parseRad: lines it cannot read are named', () => {
  it('a time that is no date names the line', () => {
    const e = radError(`* STATION LAT= 49.20 DEG LONGW= 123.60\n${dataLine({ time: '2015:400:22:17:11' })}\n`);
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/^line 2: '2015:400:22:17:11' is not a valid time/);
  });
  it('a line cut short says how many values it holds', () => {
    const e = radError(`${dataLine()}\n${dataLine({ values: ['1', '2'], tail: '' })}\n`);
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/says 4 channels but holds 2 values.*cut short/);
  });
  it('a channel that is not a number names the channel', () => {
    const e = radError(dataLine({ values: ['1', '2', 'x3', '4'] }));
    expect(e.message).toBe("line 1: the power of channel 3 'x3' is not a number");
  });
  it('a channel power of 1e309 (Infinity in a double) is refused, not stored as Infinity', () => {
    expect(radError(dataLine({ values: ['1', '1835.61e309', '3', '4'] })).message).toBe("line 1: the power of channel 2 '1835.61e309' is too large for a number");
  });
  it('an elevation above 90° is refused', () => {
    expect(radError(dataLine({ el: '97' })).message).toMatch(/^line 1: the elevation 97° is outside/);
  });
  it('a calibration line without tspill says what it needs', () => {
    const e = radError(`* tsys 139 calcons 0.09 trecvr 119 tload 200\n${dataLine()}`);
    expect(e.message).toMatch(/^line 1: the calibration line has no 'tspill' value/);
  });
  it('a line that is neither comment nor data names its first word', () => {
    expect(radError(`${dataLine()}\nhello world`).message).toMatch(/^line 2: 'hello' starts neither a comment/);
  });
  it('a file of comments only says it holds no data lines', () => {
    expect(radError('* just a note\n').message).toMatch(/holds no data lines/);
  });
  it('reads CR LF, LF and a trailing line without vlsr alike', () => {
    const f = parseRad(`* note\r\n${dataLine()}\r\n${dataLine({ time: '2015:078:22:17:21', tail: '' })}`);
    expect(f.records.map((r) => r.vlsr)).toEqual([10.24, null]);
    expect(f.comments).toEqual([{ line: 1, text: 'note' }]);
  });
  it('day 1 at midnight is 1 January', () => {
    expect(new Date(radTime('2016:001:00:00:00', 1) * 1000).toISOString()).toBe('2016-01-01T00:00:00.000Z');
    expect(new Date(radTime('2016:366:23:59:59', 1) * 1000).toISOString()).toBe('2016-12-31T23:59:59.000Z');
  });
});

describe('parseRad fuzz (fast-check, seeded)', () => {
  const lines = real.split(/\r?\n/);
  it('any edit of the real file gives a RadError naming a line, or a result that keeps the file\'s structure', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: lines.length - 1 }),
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('', '*', 'NaN', '1e309', '-', '\t', '2015:078', '999', '-0', '1.5.5', 'vlsr'),
        ),
        fc.integer({ min: 0, max: 400 }),
        fc.boolean(),
        (lineNo, text, at, replace) => {
          const edited = [...lines];
          const l = edited[lineNo]!;
          const f = l.split(/(\s+)/);
          const k = Math.min(at, f.length);
          if (replace && k < f.length) f[k] = text;
          else f.splice(k, 0, text);
          edited[lineNo] = f.join('');
          let out;
          try {
            out = parseRad(edited.join('\n'));
          } catch (err) {
            expect(err).toBeInstanceOf(RadError);
            const e = err as RadError;
            expect(e.line).toBeGreaterThanOrEqual(0);
            expect(e.line).toBeLessThanOrEqual(lines.length);
            if (e.line > 0) expect(e.message.startsWith(`line ${e.line}: `)).toBe(true);
            return;
          }
          // Accepted: every record is whole and finite, in its unit.
          for (const r of out.records) {
            expect(Number.isFinite(r.time) && Number.isFinite(r.az) && Number.isFinite(r.el)).toBe(true);
            expect(r.spectrum.every(Number.isFinite)).toBe(true);
            expect(r.fstep).toBeGreaterThan(0);
            expect(Math.abs(r.el)).toBeLessThanOrEqual(90);
          }
          expect(out.records.length).toBeGreaterThan(0);
        },
      ),
      { seed: 1212, numRuns: 400, interruptAfterTimeLimit: 8000 },
    );
  });
  it('arbitrary text gives a RadError or a valid result, never another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          const out = parseRad(text);
          expect(out.records.length).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(RadError);
        }
      }),
      { seed: 12, numRuns: 500 },
    );
  });
});
