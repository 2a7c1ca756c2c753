/**
 * Drops where data is judged (issue 17): the store counts an observation's
 * drop events, the samples they lost and their fraction; the FITS export
 * carries them as DROPEVTS/DROPSAMP/DROPFRAC (fitsverify still clean) and
 * the CSV sidecar as notes[0].drops.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCsv } from '../../../observations/export/csv.ts';
import { exportFitsDynamicSpectrum } from '../../../observations/export/dynspec.ts';
import { Store } from '../../../observations/store/store.ts';
import { config, integration, tempDir } from '../fixtures.ts';
import { fitsverify, noFitsverify } from './validators.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let id: number;
let clean: number;
const c = config({ inputs: 2, channels: 16 });
// Integration i has 500 + i spectra of 16 channels on each of 2 inputs; integrations 2 and 5 lost samples (the same on both inputs: one clock).
const lost: Record<number, number> = { 2: 1000, 5: 7 };
const taken = Array.from({ length: 7 }, (_, i) => (500 + i) * 16 * 2).reduce((a, b) => a + b, 0);
const droppedSamples = 2 * (1000 + 7);

beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  const rec = store.startObservation({ mode: 'spectrum', target: 'Sun', config: c, start: 1_718_000_000 });
  for (let i = 0; i < 7; i++) rec.append({ ...integration(c, i, 500 + i), dropped: [lost[i] ?? 0, lost[i] ?? 0] });
  rec.complete();
  id = rec.id;
  const ok = store.startObservation({ mode: 'spectrum', target: 'Moon', config: c, start: 1_718_000_100 });
  for (let i = 0; i < 3; i++) ok.append(integration(c, i));
  ok.complete();
  clean = ok.id;
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/** The value of a FITS header card in the primary header, as text. */
function cardValue(path: string, key: string): string | null {
  const text = readFileSync(path).subarray(0, 2880 * 8).toString('latin1');
  for (let k = 0; k + 80 <= text.length; k += 80) {
    const c = text.slice(k, k + 80);
    if (c.startsWith('END     ')) return null;
    if (c.slice(0, 8).trimEnd() === key && c[8] === '=') return c.slice(10).split('/')[0]!.trim();
  }
  return null;
}

describe('drops', () => {
  it('the store counts them per observation: events, samples (all inputs), fraction', () => {
    const [a, b] = store.listObservations();
    expect(a!.drops).toEqual({ events: 2, samples: droppedSamples, fraction: droppedSamples / (droppedSamples + taken) });
    expect(b!.drops).toEqual({ events: 0, samples: 0, fraction: 0 });
    expect(store.getObservation(id).drops).toEqual(a!.drops);
    expect(store.getObservation(clean).drops!.events).toBe(0);
  });

  it('the FITS export carries them in its header, and stays clean for fitsverify', () => {
    const out = join(tmp.dir, 'drops.fits');
    exportFitsDynamicSpectrum(store, id, out);
    expect(Number(cardValue(out, 'DROPEVTS'))).toBe(2);
    expect(Number(cardValue(out, 'DROPSAMP'))).toBe(droppedSamples);
    expect(Number(cardValue(out, 'DROPFRAC'))).toBeCloseTo(droppedSamples / (droppedSamples + taken), 12);
    const skip = noFitsverify();
    if (skip) return console.warn(`skipped fitsverify: ${skip}`);
    const v = fitsverify(out);
    expect(v.errors, v.report).toBe(0);
    expect(v.warnings, v.report).toBe(0);
  });

  it('the CSV sidecar notes them', () => {
    const out = join(tmp.dir, 'drops.csv');
    exportCsv(store, id, out);
    const meta = JSON.parse(readFileSync(`${out}-metadata.json`, 'utf8')) as { notes: { drops: unknown }[] };
    expect(meta.notes[0]!.drops).toEqual({ drop_events: 2, dropped_samples: droppedSamples, dropped_fraction: droppedSamples / (droppedSamples + taken) });
  });
});
