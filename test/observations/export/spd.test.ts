import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSpd } from '../../../observations/export/spd.ts';
import { Store } from '../../../observations/store/store.ts';
import { config, expectedRe, integration, tempDir } from '../fixtures.ts';

/**
 * An independent Radio-SkyPipe reader written from the format facts
 * (formats.md), not from the writer: 156-byte little-endian header, note,
 * then records of a date double and a double per channel.
 */
function readSpd(buf: Buffer) {
  const str = (o: number, n: number): string => buf.subarray(o, o + n).toString('latin1').replace(/\0+$/, '');
  let o = 0;
  const version = str(o, 10); o += 10;
  const [start, end, latitude, longitude, chartMax, chartMin] = Array.from({ length: 6 }, (_, k) => buf.readDoubleLE(o + 8 * k)); o += 48;
  const timeZone = buf.readInt16LE(o); o += 2;
  const source = str(o, 10); o += 10;
  const author = str(o, 20); o += 20;
  const localName = str(o, 20); o += 20;
  const location = str(o, 40); o += 40;
  const channels = buf.readInt16LE(o); o += 2;
  const noteLength = buf.readInt32LE(o); o += 4;
  expect(o).toBe(156);
  const note = buf.subarray(o, o + noteLength); o += noteLength;
  const noteStr = note.toString('latin1');
  const open = noteStr.indexOf('*[[*'), close = noteStr.indexOf('*]]*');
  const text = noteStr.slice(0, open);
  const items = noteStr.slice(open + 4, close).split('\xff').filter((s) => s !== '');
  const records: { jd: number; values: number[] }[] = [];
  const size = 8 * (1 + channels);
  expect((buf.length - o) % size).toBe(0);
  for (; o < buf.length; o += size) {
    records.push({ jd: buf.readDoubleLE(o) + 2415018.5, values: Array.from({ length: channels }, (_, k) => buf.readDoubleLE(o + 8 * (k + 1))) });
  }
  return { version, start: start! + 2415018.5, end: end! + 2415018.5, latitude, longitude, chartMax, chartMin, timeZone, source, author, localName, location, channels, text, items, records };
}

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let id: number;
const c = config({ inputs: 2, channels: 4, mode: 'full' });
const start = Date.UTC(2024, 0, 1, 12, 0, 0) / 1000; // JD 2460311.0
beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  const site = store.addSite({ name: 'Field', latitude: 35.2, longitude: -82.9, altitude: 900 });
  const rec = store.startObservation({ mode: 'drift', target: 'Jupiter', siteId: site.id, config: c, start });
  for (let i = 0; i < 5; i++) rec.append(integration(c, i, 100));
  rec.complete();
  id = rec.id;
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('Radio-SkyPipe .spd export', () => {
  it('reads back with an independent reader: header, note, times and values', () => {
    const out = join(tmp.dir, 'j.spd');
    exportSpd(store, id, out);
    const f = readSpd(readFileSync(out));
    const spf = (4 * 1000) / 2.048e6;
    expect(f.start).toBeCloseTo(2460311.0, 9);
    expect(f.end).toBeCloseTo(2460311.0 + (4 * spf) / 86400, 9);
    expect(f).toMatchObject({ latitude: 35.2, longitude: -82.9, timeZone: 0, source: 'Jupiter', channels: 2 });
    expect(f.items).toContain('Logged Using UT');
    expect(f.text).toMatch(/observation 1, drift of Jupiter/);
    expect(f.records).toHaveLength(5);
    // Products (0,0),(0,1),(1,1): autos are products 0 and 2.
    const tp = (i: number, p: number): number => { let s = 0; for (let j = 0; j < 4; j++) s += Math.fround(expectedRe(i, p * 4 + j)); return s / 100; };
    f.records.forEach((r, i) => {
      expect(r.jd).toBeCloseTo(2460311.0 + (i * spf) / 86400, 9);
      expect(r.values[0]).toBeCloseTo(tp(i, 0), 9);
      expect(r.values[1]).toBeCloseTo(tp(i, 2), 9);
    });
    expect(f.chartMax).toBeCloseTo(tp(4, 2), 9);
    expect(f.chartMin).toBeCloseTo(tp(0, 0), 9);
  });

  it('marks its times UT with the note item "Logged Using UT" (it wrote "UTC", so Radio-SkyPipe and its readers took the times as local time)', () => {
    const out = join(tmp.dir, 'ut.spd');
    exportSpd(store, id, out);
    const f = readSpd(readFileSync(out));
    // Radio-SkyPipe's own writer puts it first, each item ending in 0xFF; no bare "UTC" item.
    expect(f.items[0]).toBe('Logged Using UT');
    expect(f.items).not.toContain('UTC');
    const note = readFileSync(out).subarray(156).toString('latin1');
    expect(note).toContain('*[[*Logged Using UT\xff');
  });

  it('writes the site the observation recorded in its config when it references no site row', () => {
    const rec = store.startObservation({ mode: 'drift', target: 'Sun', config: { ...c, site: { name: 'Roof', lat: -33.9, lon: 18.4, altitude: 40 } }, start });
    for (let i = 0; i < 2; i++) rec.append(integration(c, i, 100));
    rec.complete();
    const out = join(tmp.dir, 'roof.spd');
    exportSpd(store, rec.id, out);
    expect(readSpd(readFileSync(out))).toMatchObject({ latitude: -33.9, longitude: 18.4 });
  });
});
