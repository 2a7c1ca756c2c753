import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSigmf, sampleBytes } from '../../../observations/export/sigmf.ts';
import { Store } from '../../../observations/store/store.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { config, tempDir } from '../fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let id: number;
const start = 1_710_000_000.5;
const rate = 2.048e6;
// 300 000 cu8 samples of a known pattern (not a multiple of any buffer size).
const raw = Buffer.from(Array.from({ length: 600_000 }, (_, i) => (i * 7 + (i >> 9)) & 0xff));
beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  const site = store.addSite({ name: 'Roof', latitude: -33.9, longitude: 18.4, altitude: 40 });
  const rec = store.startObservation({ mode: 'spectrum', target: 'HI', siteId: site.id, config: config({ inputs: 1 }), start });
  rec.event('pointing', { az: 10, el: 80 }, start + 0.1); // sample 204 800
  rec.event('note', { text: 'before' }, start - 1); // outside: no annotation
  rec.event('calibration', { tsys: 120 }, start + 0.05); // sample 102 400
  rec.complete(start + 1);
  id = rec.id;
  mkdirSync(join(tmp.dir, 'recordings'), { recursive: true });
  writeFileSync(join(tmp.dir, 'recordings', 'hi.sigmf-data'), raw);
  store.addRawRecording({ observationId: id, path: 'recordings/hi.sigmf-data', datatype: 'cu8', sampleRate: rate, frequency: 1420.405e6, numChannels: 1, start, meta: {} });
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/**
 * The SigMF schema's rules (sigmf-schema.json v1.2.5, restated from the spec):
 * required fields, their types and ranges, and captures/annotations sorted.
 */
function checkSchemaRequired(meta: Record<string, unknown>): void {
  expect(Object.keys(meta).sort()).toEqual(['annotations', 'captures', 'global']);
  const g = meta.global as Record<string, unknown>;
  expect(g['core:datatype']).toMatch(/^((c|r)(f32|f64|i32|i16|u32|u16)(_le|_be)?|(c|r)(i8|u8))$/);
  expect(g['core:version']).toBe('1.2.5');
  if ('core:sample_rate' in g) expect(g['core:sample_rate']).toBeGreaterThanOrEqual(1);
  if ('core:num_channels' in g) expect(Number.isInteger(g['core:num_channels']) && (g['core:num_channels'] as number) >= 1).toBe(true);
  if ('core:sha512' in g) expect(g['core:sha512']).toMatch(/^[0-9a-f]{128}$/);
  for (const k of ['core:description', 'core:recorder', 'core:hw', 'core:author']) if (k in g) expect(typeof g[k]).toBe('string');
  if ('core:geolocation' in g) {
    const geo = g['core:geolocation'] as { type: string; coordinates: number[] };
    expect(geo.type).toBe('Point');
    expect(geo.coordinates.length).toBeGreaterThanOrEqual(2);
  }
  for (const key of ['captures', 'annotations'] as const) {
    const arr = meta[key] as Record<string, unknown>[];
    expect(Array.isArray(arr)).toBe(true);
    arr.forEach((x) => expect(Number.isInteger(x['core:sample_start'])).toBe(true));
    const starts = arr.map((x) => x['core:sample_start'] as number);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  }
  for (const c of meta.captures as Record<string, unknown>[]) {
    if (c['core:datetime']) expect(c['core:datetime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  }
}

describe('SigMF export', () => {
  it('knows the bytes per sample of each datatype', () => {
    expect(sampleBytes('cu8', 1)).toBe(2);
    expect(sampleBytes('rf32_le', 1)).toBe(4);
    expect(sampleBytes('ci16_be', 2)).toBe(8);
    expect(() => sampleBytes('x', 1)).toThrow();
  });

  it('writes a meta with the schema’s required fields and data byte-identical to the recording', () => {
    const r = exportSigmf(store, id, join(tmp.dir, 'hi'));
    expect(r.files.map((f) => f.slice(-11))).toEqual(['.sigmf-meta', '.sigmf-data']);
    expect(readFileSync(r.files[1]!).equals(raw)).toBe(true);
    const meta = JSON.parse(readFileSync(r.files[0]!, 'utf8')) as Record<string, unknown>;
    checkSchemaRequired(meta);
    const g = meta.global as Record<string, unknown>;
    expect(g).toMatchObject({ 'core:datatype': 'cu8', 'core:sample_rate': rate, 'core:num_channels': 1 });
    expect(g['core:sha512']).toBe(createHash('sha512').update(raw).digest('hex'));
    expect(g['core:geolocation']).toEqual({ type: 'Point', coordinates: [18.4, -33.9, 40] });
    expect(meta.captures).toEqual([{ 'core:sample_start': 0, 'core:frequency': 1420.405e6, 'core:datetime': '2024-03-09T16:00:00.500Z' }]);
    const ann = meta.annotations as Record<string, unknown>[];
    expect(ann.map((a) => [a['core:sample_start'], a['core:label']])).toEqual([[102400, 'calibration'], [204800, 'pointing']]);
  });

  it('writes a .sigmf archive that tar lists and Python’s tarfile reads back byte for byte', () => {
    const out = join(tmp.dir, 'hi.sigmf');
    exportSigmf(store, id, out);
    const skip = skipUnless(tools.command('tar'));
    if (skip) return console.warn(`skipped tar: ${skip}`);
    expect(execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).trim().split('\n')).toEqual(['hi/hi.sigmf-meta', 'hi/hi.sigmf-data']);
    const dest = join(tmp.dir, 'untar');
    mkdirSync(dest);
    execFileSync('tar', ['-xf', out, '-C', dest]);
    expect(readFileSync(join(dest, 'hi', 'hi.sigmf-data')).equals(raw)).toBe(true);
    checkSchemaRequired(JSON.parse(readFileSync(join(dest, 'hi', 'hi.sigmf-meta'), 'utf8')) as Record<string, unknown>);
    if (skipUnless(tools.command('/usr/bin/python3'))) return;
    const digest = execFileSync('/usr/bin/python3', ['-c', 'import tarfile,sys,hashlib; t=tarfile.open(sys.argv[1]); print(hashlib.sha256(t.extractfile("hi/hi.sigmf-data").read()).hexdigest())', out], { encoding: 'utf8' }).trim();
    expect(digest).toBe(createHash('sha256').update(raw).digest('hex'));
  });

  it('says so when there is no raw recording', () => {
    const rec = store.startObservation({ mode: 'spectrum', config: config() });
    rec.complete();
    expect(() => exportSigmf(store, rec.id, join(tmp.dir, 'none'))).toThrow(/no raw recording/);
  });
});

describe('SigMF export: where and with what', () => {
  /** An observation recorded from `source` with its site and pointing in the config (no site row), with a raw recording. */
  function recorded(source: Record<string, unknown> | undefined, label: string): number {
    const c = config({ inputs: 1 });
    c.site = { name: 'Dwingeloo', lat: 52.8121, lon: 6.3962, altitude: 25 };
    c.pointing = { ra: 83.63, dec: 22.01, az: 120, el: 45, l: 184.56, b: -5.78, source: 'rotator' };
    c.clock = { kind: 'simulated', speed: 3600 };
    c.antennas = [{ name: 'dish', east: 0, north: 0, up: 0, dishDiameter: 1 }];
    if (source) c.source = source;
    const rec = store.startObservation({ mode: 'raw', target: 'Crab', config: c, start });
    rec.event('pointing', { ra: 84, dec: 22, az: 121, el: 46, source: 'rotator' }, start + 0.1);
    rec.complete(start + 1);
    writeFileSync(join(tmp.dir, 'recordings', `${label}.sigmf-data`), raw);
    store.addRawRecording({ observationId: rec.id, path: `recordings/${label}.sigmf-data`, datatype: 'cu8', sampleRate: rate, frequency: 1420.405e6, numChannels: 1, start, meta: { 'core:hw': 'Generic RTL2832U OEM (R820T) (serial 00000042)' } });
    return rec.id;
  }
  const metaOf = (oid: number, name: string) => {
    const r = exportSigmf(store, oid, join(tmp.dir, name));
    const meta = JSON.parse(readFileSync(r.files[0]!, 'utf8')) as Record<string, unknown>;
    checkSchemaRequired(meta);
    return meta as { global: Record<string, unknown>; annotations: Record<string, unknown>[] };
  };

  it('core:hw names the simulator and its scenario, not "RTL-SDR"', () => {
    const { global } = metaOf(recorded({ spec: 'sim', kind: 'sim', name: 'sim: antenna 0 (dish)', scenario: 'sun-drift' }, 'sim'), 'sim');
    expect(global['core:hw']).toBe('Fringe simulator (antenna 0 (dish); scenario sun-drift)');
    const byDefault = metaOf(recorded({ spec: 'sim', kind: 'sim', name: 'sim: antenna 0 (dish)', scenario: null }, 'simdef'), 'simdef');
    expect(byDefault.global['core:hw']).toBe('Fringe simulator (antenna 0 (dish); default scenario)');
    const unrecorded = metaOf(recorded({ spec: 'sim', kind: 'sim', name: 'sim: antenna 0 (dish)' }, 'simold'), 'simold');
    expect(unrecorded.global['core:hw']).toBe('Fringe simulator (antenna 0 (dish))');
  });

  it('core:hw names the rtl_tcp server, or the dongle and its serial', () => {
    expect(metaOf(recorded({ spec: 'rtltcp:10.0.0.7:1234', kind: 'rtltcp', name: 'rtl_tcp 10.0.0.7:1234 (R820T)' }, 'tcp'), 'tcp').global['core:hw']).toBe('rtl_tcp 10.0.0.7:1234 (R820T)');
    expect(metaOf(recorded({ spec: 'rtlsdr:0', kind: 'rtlsdr', name: 'Generic RTL2832U OEM', serial: '00000001' }, 'usb'), 'usb').global['core:hw']).toBe('Generic RTL2832U OEM serial 00000001');
    // An observation that did not record its source: what the recorder wrote in the raw file's meta.
    expect(metaOf(recorded(undefined, 'old'), 'old').global['core:hw']).toBe('Generic RTL2832U OEM (R820T) (serial 00000042)');
  });

  it('writes the observation’s own site as core:geolocation, the start pointing and sky clock as fringe: fields, and pointing moves as antenna-extension annotations', () => {
    const { global, annotations } = metaOf(recorded({ spec: 'sim', kind: 'sim', name: 'sim: antenna 0 (dish)' }, 'geo'), 'geo');
    expect(global['core:geolocation']).toEqual({ type: 'Point', coordinates: [6.3962, 52.8121, 25] });
    expect(global['core:extensions']).toEqual([
      { name: 'antenna', version: '1.0.0', optional: true },
      { name: 'fringe', version: '1.0.0', optional: true },
    ]);
    expect(global['antenna:model']).toBe('dish (1 m dish)');
    expect(global['fringe:pointing']).toEqual({ ra: 83.63, dec: 22.01, az: 120, el: 45, l: 184.56, b: -5.78, source: 'rotator' });
    expect(global['fringe:clock']).toEqual({ kind: 'simulated', speed: 3600 });
    expect(global['fringe:site']).toBe('Dwingeloo');
    const move = annotations.find((a) => a['core:label'] === 'pointing')!;
    expect(move).toMatchObject({ 'core:sample_start': 204800, 'antenna:azimuth_angle': 121, 'antenna:elevation_angle': 46 });
    expect(JSON.parse(move['core:comment'] as string)).toMatchObject({ ra: 84, dec: 22 });
  });
});
