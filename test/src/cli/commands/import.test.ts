/** `fringe import`: the real SRT .rad file into a real store, through the bin in a child process. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../../observations/store/store.ts';
import { tempDir } from '../../../observations/fixtures.ts';
import { fringe } from './run-fringe.ts';

const srt = fileURLToPath(new URL('../../../../../shared/data/real/sun-crossscan-srt-rad/az_el_scan_RPSG_sun.rad', import.meta.url));
let tmp: ReturnType<typeof tempDir>;
beforeAll(() => (tmp = tempDir('fringe-import-')));
afterAll(() => tmp.cleanup());

const line = (time: string, az: number) => `${time}\t${az}\t30.0\t0.0\t0.0\t1414.39\t0.00781250\t4\t4\t100\t101\t102\t103\tvlsr\t1.0`;

describe('fringe import of the real SRT cross-scan', () => {
  let id: number;
  let db: string;
  beforeAll(async () => {
    db = join(tmp.dir, 'one');
    const r = await fringe(['import', srt, '--db', db]);
    expect(r.stderr).toMatch(/line 3: a spectrum of 64 channels from 1419.75 MHz/);
    expect(r.code).toBe(0);
    id = Number(r.stdout.trim());
  }, 60_000);
  it('prints the new id, and stores a crossscan of 69 spectra of 156 channels at their true times', () => {
    const store = Store.open(db, { readonly: true });
    try {
      const obs = store.getObservation(id);
      expect([obs.mode, obs.target, obs.status, obs.integrations, obs.config.fx.channels]).toEqual(['crossscan', 'Sun', 'complete', 69, 156]);
      expect(obs.config.tuning.centerFrequency).toBeCloseTo(1414.39e6 + 78 * 7812.5, 0);
      expect(obs.config.site).toEqual({ name: 'SRT station (49.2°, -123.6°)', lat: 49.2, lon: -123.6, altitude: 0 });
      const times = store.integrationTimes(id);
      expect(new Date(times[0]!.time * 1000).toISOString()).toBe('2015-03-19T22:11:59.000Z');
      expect(new Date(times.at(-1)!.time * 1000).toISOString()).toBe('2015-03-19T22:29:42.000Z');
      const first = store.readIntegrations(id, { until: times[0]!.time + 1 })[0]!;
      expect([first.visibilities[0], first.visibilities[2 * 8]]).toEqual([Math.fround(20.8), Math.fround(1804.9)]);
    } finally {
      store.close();
    }
  });
  it('keeps the offsets as pointing events in the scan\'s own coordinates, the calibration line and every command', () => {
    const store = Store.open(db, { readonly: true });
    try {
      const events = store.events(id);
      const pointing = events.filter((e) => e.kind === 'pointing');
      const at = (iso: string) => pointing.find((e) => new Date(e.time * 1000).toISOString() === iso)!.data;
      expect(at('2015-03-19T22:17:11.000Z')).toMatchObject({ az: 191.5, el: 37.1, offset: { az: -24.3, el: 2.6, frame: 'srt-azel' }, source: 'rotator', line: 18 });
      expect(typeof at('2015-03-19T22:17:11.000Z').ra).toBe('number');
      expect(events.filter((e) => e.kind === 'calibration').map((e) => e.data)).toEqual([
        expect.objectContaining({ tsys: 139, calcons: 0.09, trecvr: 119, tload: 200, tspill: 20, unit: 'K', line: 15 }),
      ]);
      expect(events.filter((e) => e.kind === 'note' && e.data.srt === 'command')).toHaveLength(68);
      const aside = events.filter((e) => e.kind === 'note' && e.data.srt === 'spectrum');
      expect(aside.map((e) => [e.data.line, (e.data.spectrum as number[]).length])).toEqual([[3, 64]]);
    } finally {
      store.close();
    }
  });
});

describe('fringe import: command line and bad files', () => {
  it('--json prints the ids of several files as one JSON array', async () => {
    const db = join(tmp.dir, 'two');
    const r = await fringe(['import', srt, srt, '--json', '--db', db]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([1, 2]);
  }, 60_000);
  it('no file is a usage error (exit 2)', async () => {
    const r = await fringe(['import', '--db', join(tmp.dir, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give at least one file/);
  });
  it('a file without a STATION line needs --site (exit 1), and imports with it', async () => {
    const f = join(tmp.dir, 'nosite.rad');
    writeFileSync(f, [line('2020:100:12:00:00', 180), line('2020:100:12:00:10', 180), line('2020:100:12:00:20', 180)].join('\n'));
    const db = join(tmp.dir, 'site');
    const bad = await fringe(['import', f, '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no STATION line: give the site with --site LAT,LON\[,ALT\]/);
    const ok = await fringe(['import', f, '--site', '52.5,-1.25,80', '--json', '--db', db]);
    expect(ok.code).toBe(0);
    const store = Store.open(db, { readonly: true });
    try {
      const obs = store.getObservation(JSON.parse(ok.stdout)[0]);
      expect(obs.config.site).toMatchObject({ lat: 52.5, lon: -1.25, altitude: 80 });
      expect(obs.mode).toBe('drift');
    } finally {
      store.close();
    }
  }, 60_000);
  it('--site that is not LAT,LON is a usage error naming the option', async () => {
    const r = await fringe(['import', srt, '--site', '95,10', '--db', join(tmp.dir, 'y')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--site latitude must be from -90 to 90/);
  });
  it('a malformed line fails (exit 1) with a message naming the file and the line, and stores nothing', async () => {
    const f = join(tmp.dir, 'bad.rad');
    writeFileSync(f, `* STATION LAT= 49.20 DEG LONGW= 123.60\n${line('2020:100:12:00:00', 180)}\n${line('2020:100:12:00:10', 180).replace('\t101\t', '\t1O1\t')}\n`);
    const db = join(tmp.dir, 'bad');
    const r = await fringe(['import', f, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f} line 3: the power of channel 2 '1O1' is not a number`);
    const store = Store.open(db, { readonly: true });
    try {
      expect(store.listObservations()).toEqual([]);
    } finally {
      store.close();
    }
  }, 60_000);
  it('a file in no known format fails with the formats it reads', async () => {
    const f = join(tmp.dir, 'notes.txt');
    writeFileSync(f, 'hello\n');
    const r = await fringe(['import', f, '--db', join(tmp.dir, 'z')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a format fringe import reads \(srt-rad/);
  });
});
