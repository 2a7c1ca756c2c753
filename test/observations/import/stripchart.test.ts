import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, importFile } from '../../../observations/import/index.ts';
import { looksLikeStripChart, parseStripChart } from '../../../observations/import/stripchart.ts';
import { Store } from '../../../observations/store/store.ts';
import { tempDir } from '../fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeAll(() => {
  tmp = tempDir('fringe-strip-');
  store = Store.open(join(tmp.dir, 'db'));
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

const site = { name: 'test', lat: 37.87, lon: -122.26, altitude: 100 };
const describeNothing = () => ({ ra: 0, dec: 0 });
const t0 = Date.parse('2014-04-04T00:45:00Z') / 1000;
const value = (i: number) => 0.001 * Math.cos(i / 7) - 0.0007;

function csv(lines: string[]): string {
  const f = join(tmp.dir, `chart-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(f, lines.join('\n'));
  return f;
}

/** A Radio-SkyPipe chart as formats.md lays it out: header, note, (date, value) records. */
function spd(note: string, tz = 0, n = 50): string {
  const h = Buffer.alloc(156);
  h.write('RSpd1.0', 0, 'latin1');
  h.writeDoubleLE(site.lat, 26);
  h.writeDoubleLE(site.lon, 34);
  h.writeInt16LE(tz, 58);
  h.writeInt16LE(1, 150);
  const noteBytes = Buffer.from(note, 'latin1');
  h.writeInt32LE(noteBytes.length, 152);
  const body = Buffer.alloc(16 * n);
  for (let i = 0; i < n; i++) {
    body.writeDoubleLE((t0 + i) / 86400 + 2440587.5 - 2415018.5, 16 * i);
    body.writeDoubleLE(value(i), 16 * i + 8);
  }
  const f = join(tmp.dir, `chart-${Math.random().toString(36).slice(2)}.spd`);
  writeFileSync(f, Buffer.concat([h, noteBytes, body]));
  return f;
}

describe('strip-chart import', () => {
  it('tells a strip chart (ISO UTC time first) from a two-column numeric CSV', () => {
    expect(looksLikeStripChart('utc,volts\n2014-04-04T00:45:00Z,0.1\n')).toBe(true);
    expect(looksLikeStripChart('2014-04-04 00:45:00,0.1\n')).toBe(true);
    expect(looksLikeStripChart('freq,power\n1420.1,3.2\n')).toBe(false);
    expect(detectFormat('x.csv', 'utc,volts\n2014-04-04T00:45:00.5Z,1')).toBe('strip-chart-csv');
    expect(detectFormat('x.csv', 'mhz,k\n1420.1,3')).toBeNull();
  });

  it('stores a CSV as a real-valued fringe: each sample an integration at its time, Re V01 the value', () => {
    const lines = ['utc,volts', ...Array.from({ length: 40 }, (_, i) => `${new Date((t0 + i) * 1000).toISOString()},${value(i)}`)];
    const r = importFile(store, csv(lines), { softwareVersion: 'test', site, frequency: 10.67e9, target: { name: '3C144' }, describe: describeNothing });
    const obs = store.getObservation(r.id);
    expect([obs.mode, obs.target, obs.integrations, obs.config.tuning.centerFrequency, obs.config.tuning.sampleRate]).toEqual(['fringe', '3C144', 40, 10.67e9, 1]);
    expect(obs.config.phaseCentre).toEqual({ name: '3C144' });
    const its = store.readIntegrations(r.id);
    expect(its[7]!.time).toBeCloseTo(t0 + 7, 6);
    expect(its[7]!.visibilities[2]).toBeCloseTo(value(7), 9);
    expect(its[7]!.visibilities[3]).toBe(0);
  });

  it('averages samples that repeat a time, and refuses a time going back, naming the line', () => {
    const chart = parseStripChart(['utc,v', '2014-04-04T00:00:00Z,1', '2014-04-04T00:00:00Z,3', ...Array.from({ length: 10 }, (_, i) => `2014-04-04T00:00:${String(i + 1).padStart(2, '0')}Z,0`)].join('\n'), 'a.csv');
    expect([chart.values[0], chart.merged, chart.times.length]).toEqual([2, 1, 11]);
    expect(() => parseStripChart('2014-04-04T00:00:05Z,1\n2014-04-04T00:00:04Z,1\n', 'b.csv')).toThrow(/b.csv line 2: its time is before/);
    expect(() => parseStripChart('2014-04-04T00:00:05Z,abc\n', 'c.csv')).toThrow(/line 1: the value 'abc' is not a number/);
  });

  it('says what a strip chart needs: site, frequency, the tracked source', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${new Date((t0 + i) * 1000).toISOString()},1`);
    const f = csv(lines);
    expect(() => importFile(store, f, { softwareVersion: 'test', site, target: { name: 'sun' }, describe: describeNothing })).toThrow(/--freq HZ/);
    expect(() => importFile(store, f, { softwareVersion: 'test', site, frequency: 1e9, describe: describeNothing })).toThrow(/--target NAME .* or --ra H --dec D/);
    expect(() => importFile(store, f, { softwareVersion: 'test', frequency: 1e9, target: { name: 'sun' }, describe: describeNothing })).toThrow(/--site/);
  });

  it('reads a Radio-SkyPipe .spd chart logged in UT, with its site, and refuses one in local time', () => {
    const r = importFile(store, spd('*[[*Logged Using UT\xff*]]*'), { softwareVersion: 'test', frequency: 1.42e9, target: { name: 'sun' }, describe: describeNothing });
    const obs = store.getObservation(r.id);
    expect([obs.integrations, obs.config.site?.lat, obs.config.site?.lon]).toEqual([50, site.lat, site.lon]);
    const its = store.readIntegrations(r.id);
    expect(its[3]!.time).toBeCloseTo(t0 + 3, 3);
    expect(its[3]!.visibilities[2]).toBeCloseTo(value(3), 9);
    expect(() => importFile(store, spd('', -8), { softwareVersion: 'test', frequency: 1.42e9, target: { name: 'sun' }, describe: describeNothing })).toThrow(/local time/);
    expect(() => importFile(store, spd('*[[*Integer Save\xff*]]*'), { softwareVersion: 'test', frequency: 1.42e9, target: { name: 'sun' }, describe: describeNothing })).toThrow(/Integer Save/);
  });
});
