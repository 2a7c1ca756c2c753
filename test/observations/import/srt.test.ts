/** The SRT importer's writer (observations/import/srt.ts) on a real store: modes, the channel rule for imports, the target. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservationError } from '../../../observations/errors.ts';
import { parseRad } from '../../../observations/import/rad.ts';
import { importRad, radMode, radTarget } from '../../../observations/import/srt.ts';
import { Store } from '../../../observations/store/store.ts';
import { tempDir } from '../fixtures.ts';

const srtFile = new URL('../../../../shared/data/real/sun-crossscan-srt-rad/az_el_scan_RPSG_sun.rad', import.meta.url);

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeAll(() => {
  tmp = tempDir('fringe-srt-');
  store = Store.open(join(tmp.dir, 'db'));
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

const describeStub = (_s: unknown, az: number, el: number) => ({ ra: 10, dec: 20, az, el });
const line = (t: string, az: number, azOff: number, elOff: number) => `2020:100:${t}\t${az}\t30.0\t${azOff}\t${elOff}\t1414.39\t0.00781250\t4\t2\t100\t101`;

describe('importRad', () => {
  const file = parseRad(readFileSync(srtFile, 'latin1'));
  it("reads the scan's kind from its offsets: stepping → crossscan, a fixed az/el → drift, tracking without steps → spectrum", () => {
    expect(radMode(file.records.filter((r) => r.spectrum.length === 156))).toBe('crossscan');
    expect(radMode(parseRad([line('12:00:00', 180, 0, 0), line('12:00:10', 180, 0, 0), line('12:00:20', 180, 0, 0)].join('\n')).records)).toBe('drift');
    expect(radMode(parseRad([line('12:00:00', 180, 0, 0), line('12:00:10', 181, 0, 0), line('12:00:20', 182, 0, 0)].join('\n')).records)).toBe('spectrum');
    expect(radTarget(file)).toBe('Sun');
  });
  it('stores 156 channels (no power of two) for an import; the store still refuses them for a recording of its own', () => {
    const r = importRad(store, file, { softwareVersion: 'test', fileName: 'scan.rad', describe: describeStub });
    expect(store.getObservation(r.id).config.fx.channels).toBe(156);
    expect(() =>
      store.startObservation({ mode: 'spectrum', config: { softwareVersion: 'test', tuning: { centerFrequency: 1.4e9, sampleRate: 1.2e6 }, fx: { inputs: 1, channels: 156, taps: 1, spectraPerIntegration: 1, mode: 'autos' } } }),
    ).toThrow(/power of two/);
  });
  it('refuses spectra out of time order, naming the line, before storing anything', () => {
    const before = store.listObservations().length;
    const f = parseRad(['* STATION LAT= 49.20 DEG LONGW= 123.60', line('12:00:10', 180, 0, 0), line('12:00:00', 180, 0, 0)].join('\n'));
    expect(() => importRad(store, f, { softwareVersion: 'test', fileName: 'late.rad', describe: describeStub })).toThrow(ObservationError);
    expect(() => importRad(store, f, { softwareVersion: 'test', fileName: 'late.rad', describe: describeStub })).toThrow(/late.rad line 3: its time is not after line 2's/);
    expect(store.listObservations()).toHaveLength(before);
  });
});
