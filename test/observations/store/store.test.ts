import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObservationError } from '../../../observations/errors.ts';
import { Store } from '../../../observations/store/store.ts';
import { config, expectedRe, integration, productsOf, tempDir } from '../fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

describe('store', () => {
  it('opens in WAL mode at the latest schema', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(existsSync(join(tmp.dir, 'fringe.db'))).toBe(true);
  });

  it('holds sites and instruments', () => {
    const site = store.addSite({ name: 'Backyard', latitude: 52.1, longitude: 5.2, altitude: 12 });
    store.addInstrument({ kind: 'dongle', name: 'rtl0', serial: '00000001', siteId: site.id, position: null, dishDiameter: null, details: { tuner: 'R820T' } });
    store.addInstrument({ kind: 'antenna', name: 'dish1', serial: null, siteId: site.id, position: { east: 1, north: 2, up: 0 }, dishDiameter: 1.2, details: {} });
    store.addInstrument({ kind: 'rotator', name: 'spid', serial: null, siteId: site.id, position: null, dishDiameter: null, details: { protocol: 'rot2prog' } });
    expect(store.listSites()).toEqual([site]);
    expect(store.listInstruments('antenna')[0]).toMatchObject({ name: 'dish1', position: { east: 1, north: 2, up: 0 }, dishDiameter: 1.2 });
    expect(store.listInstruments('dongle')[0]!.details).toEqual({ tuner: 'R820T' });
    // A dongle is known by its serial: a second one with the same serial is refused.
    expect(() => store.addInstrument({ kind: 'dongle', name: 'rtl1', serial: '00000001', siteId: null, position: null, dishDiameter: null, details: {} }))
      .toThrow(ObservationError);
    expect(() => store.addSite({ name: 'Nowhere', latitude: 95, longitude: 0, altitude: 0 })).toThrow(/latitude/);
  });

  it('stores integrations as they arrive and reads them back as float32 arrays', () => {
    const c = config({ inputs: 3, channels: 8 });
    const rec = store.startObservation({ mode: 'interferometer', target: 'Cas A', config: c, start: 1_700_000_000 });
    for (let i = 0; i < 5; i++) rec.append(integration(c, i));
    expect(store.getObservation(rec.id)).toMatchObject({ status: 'recording', integrations: 5, end: null });
    rec.complete();
    const obs = store.getObservation(rec.id);
    expect(obs).toMatchObject({ status: 'complete', mode: 'interferometer', target: 'Cas A', softwareVersion: '0.1.0-test' });
    expect(obs.config).toEqual(c);
    const spf = c.fx.channels * c.fx.spectraPerIntegration / c.tuning.sampleRate; // s per integration
    expect(obs.end).toBeCloseTo(1_700_000_000 + 5 * spf, 9);
    const back = store.readIntegrations(rec.id);
    expect(back).toHaveLength(5);
    const P = productsOf(c);
    for (const [i, it] of back.entries()) {
      expect(it).toMatchObject({ index: i, products: P, channels: 8, inputs: 3, spectra: 1000, end: 'full' });
      expect(it.time).toBeCloseTo(1_700_000_000 + i * spf, 9);
      expect(it.duration).toBeCloseTo(spf, 12);
      expect(it.visibilities).toBeInstanceOf(Float32Array);
      expect(it.visibilities.length).toBe(P * 8 * 2);
      for (let k = 0; k < P * 8; k++) {
        expect(it.visibilities[2 * k]).toBe(expectedRe(i, k));
        expect(it.visibilities[2 * k + 1]).toBe(-expectedRe(i, k) / 4);
      }
      expect(it.power2[5]).toBe(i + 5);
      expect(it.clipped).toEqual([i, i + 1, i + 2]);
    }
  });

  it('refuses integrations that do not match the configuration, and appends after the end', () => {
    const c = config();
    const rec = store.startObservation({ mode: 'spectrum', config: c });
    const bad = integration(c, 0);
    bad.visibilities = new Float64Array(3);
    expect(() => rec.append(bad)).toThrow(/visibilities has 3 values/);
    rec.append(integration(c, 0));
    expect(() => rec.append(integration(c, 0))).toThrow(/index 0 must be an integer after 0/);
    rec.complete();
    expect(() => rec.append(integration(c, 1))).toThrow(expect.objectContaining({ kind: 'state' }));
    expect(store.countIntegrations(rec.id)).toBe(1);
  });

  it('validates the configuration before creating an observation', () => {
    const c = config();
    expect(() => store.startObservation({ mode: 'spectrum', config: { ...c, tuning: { centerFrequency: -1, sampleRate: 1 } } })).toThrow(/centerFrequency/);
    expect(() => store.startObservation({ mode: 'spectrum', config: { ...c, fx: { ...c.fx, channels: 12 } } })).toThrow(/power of two/);
    expect(() => store.startObservation({ mode: 'Bad Mode', config: c })).toThrow(/mode/);
    expect(store.listObservations()).toEqual([]);
  });

  it('records events, and a drop event for an integration with dropped samples', () => {
    const c = config();
    const rec = store.startObservation({ mode: 'drift', target: 'Sun', config: c, start: 1000 });
    rec.event('pointing', { az: 180, el: 45 }, 1000.5);
    const it = integration(c, 0);
    it.dropped = [0, 4096];
    rec.append(it);
    rec.event('note', { text: 'cloudy' }, 1001);
    rec.complete();
    const events = store.events(rec.id);
    expect(events.map((e) => e.kind)).toEqual(['drop', 'pointing', 'note']);
    expect(events[0]!.data).toEqual({ integration: 0, dropped: [0, 4096] });
    expect(events[1]!.data).toEqual({ az: 180, el: 45 });
    expect(() => rec.event('note')).toThrow(ObservationError);
  });

  it('lists and filters observations', () => {
    const c = config();
    const a = store.startObservation({ mode: 'drift', target: 'Sun', config: c, start: 100 });
    a.append(integration(c, 0));
    a.complete();
    const b = store.startObservation({ mode: 'spectrum', target: 'HI l=30', config: c, start: 200 });
    b.interrupt('stopped by the user');
    const d = store.startObservation({ mode: 'drift', target: 'Cas A', config: c, start: 300 });
    expect(store.listObservations().map((o) => o.id)).toEqual([a.id, b.id, d.id]);
    expect(store.listObservations({ mode: 'drift' }).map((o) => o.id)).toEqual([a.id, d.id]);
    expect(store.listObservations({ status: 'interrupted' })[0]).toMatchObject({ id: b.id, interruptedReason: 'stopped by the user' });
    expect(store.listObservations({ target: 'Sun' }).map((o) => o.integrations)).toEqual([1]);
    expect(store.listObservations({ target: '%' })).toEqual([]); // a plain substring, not a LIKE pattern
    expect(store.listObservations({ since: 150, until: 300 }).map((o) => o.id)).toEqual([b.id]);
    expect(store.listObservations({ limit: 1 })).toHaveLength(1);
    expect(() => store.getObservation(999)).toThrow(expect.objectContaining({ kind: 'not-found' }));
  });

  it('streams integrations one at a time', () => {
    const c = config({ channels: 4 });
    const rec = store.startObservation({ mode: 'spectrum', config: c });
    for (let i = 0; i < 50; i++) rec.append(integration(c, i));
    rec.complete();
    const it = store.integrations(rec.id);
    const first = it.next();
    expect(first.done).toBe(false);
    expect(first.value!.index).toBe(0);
    let n = 1;
    for (const x of it) expect(x.index).toBe(n++);
    expect(n).toBe(50);
  });

  it('deletes an observation with its rows and the files it holds in the data folder', () => {
    const c = config();
    const rec = store.startObservation({ mode: 'spectrum', config: c, start: 10 });
    rec.append(integration(c, 0));
    rec.event('note', { text: 'x' }, 10);
    rec.complete();
    const { relative, absolute: data } = store.rawRecordingPath(rec.id, 'iq');
    expect(relative).toBe(`recordings/observation-${rec.id}-iq.sigmf-data`);
    writeFileSync(data, Buffer.alloc(64));
    writeFileSync(data.replace('-data', '-meta'), '{}');
    store.addRawRecording({ observationId: rec.id, path: relative, datatype: 'cu8', sampleRate: 2.048e6, frequency: 1420e6, numChannels: 1, start: 10, meta: {} });
    const keep = store.startObservation({ mode: 'spectrum', config: c });
    keep.complete();
    store.deleteObservation(rec.id);
    expect(existsSync(data)).toBe(false);
    expect(existsSync(data.replace('-data', '-meta'))).toBe(false);
    expect(store.listObservations().map((o) => o.id)).toEqual([keep.id]);
    expect((store.db.prepare('SELECT COUNT(*) n FROM integrations').get() as { n: number }).n).toBe(0);
    expect((store.db.prepare('SELECT COUNT(*) n FROM events').get() as { n: number }).n).toBe(0);
  });

  it('refuses to delete an observation still recording here', () => {
    const rec = store.startObservation({ mode: 'spectrum', config: config() });
    expect(() => store.deleteObservation(rec.id)).toThrow(expect.objectContaining({ kind: 'state' }));
    rec.complete();
  });

  it('leaves recordings of this process alone when opened a second time', () => {
    const c = config();
    const rec = store.startObservation({ mode: 'spectrum', config: c });
    rec.append(integration(c, 0));
    const other = Store.open(tmp.dir);
    expect(other.getObservation(rec.id).status).toBe('recording');
    other.close();
    rec.append(integration(c, 1));
    rec.complete();
  });
});
