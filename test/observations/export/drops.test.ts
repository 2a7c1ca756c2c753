/**
 * Drops where data is judged (issue 17): the store counts an observation's
 * drop events, the samples they lost and their fraction; the FITS export
 * carries them as DROPEVTS/DROPSAMP/DROPFRAC (fitsverify still clean) and
 * the CSV sidecar as notes[0].drops; a raw recording's SigMF export keeps
 * the recorder's gaps (a capture per gap, a 'dropped' annotation each).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCsv } from '../../../observations/export/csv.ts';
import { exportFitsDynamicSpectrum } from '../../../observations/export/dynspec.ts';
import { exportSigmf } from '../../../observations/export/sigmf.ts';
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

  it('the SigMF export of a raw recording keeps its gaps: the recorder\'s captures and dropped annotations', () => {
    const raw = store.startObservation({ mode: 'raw', target: 'Sun', config: config({ inputs: 1, channels: 16 }), start: 1_718_000_200 });
    raw.event('pointing', { az: 180, el: 60 }, 1_718_000_200 + 100 / 2.048e6); // sample 100
    raw.complete(1_718_000_201);
    mkdirSync(join(tmp.dir, 'recordings'), { recursive: true });
    writeFileSync(join(tmp.dir, 'recordings', 'gap.sigmf-data'), Buffer.alloc(2 * 1000, 128));
    // What the recorder wrote: 600 samples, 250 lost, 400 more.
    const captures = [
      { 'core:sample_start': 0, 'core:global_index': 0, 'core:frequency': 1420.4e6, 'core:datetime': '2024-06-10T06:16:40.000Z' },
      { 'core:sample_start': 600, 'core:global_index': 850, 'core:frequency': 1420.4e6, 'core:datetime': '2024-06-10T06:16:40.000415Z' },
    ];
    const dropped = { 'core:sample_start': 600, 'core:sample_count': 1, 'core:label': 'dropped', 'core:comment': '250 samples lost before this sample (source: sim)' };
    writeFileSync(join(tmp.dir, 'recordings', 'gap.sigmf-meta'), JSON.stringify({ global: {}, captures, annotations: [dropped] }));
    store.addRawRecording({ observationId: raw.id, path: 'recordings/gap.sigmf-data', datatype: 'cu8', sampleRate: 2.048e6, frequency: 1420.4e6, numChannels: 1, start: 1_718_000_200, meta: { samples: 1000, dropped: 250 } });
    const out = join(tmp.dir, 'gap.sigmf-meta');
    exportSigmf(store, raw.id, out);
    const meta = JSON.parse(readFileSync(out, 'utf8')) as { global: Record<string, unknown>; captures: unknown[]; annotations: { 'core:sample_start': number; 'core:label': string }[] };
    expect(meta.captures).toEqual(captures);
    expect(meta.annotations.map((a) => [a['core:sample_start'], a['core:label']])).toEqual([[100, 'pointing'], [600, 'dropped']]);
    expect(meta.annotations[1]).toEqual(dropped);
    expect(meta.global['fringe:dropped_gaps']).toBe(1);
  });
});
