import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSimSource } from '../../../devices/sim/index.ts';
import { referenceIntegrations } from '../../../correlator/reference.ts';
import { observe, type ObserveOptions } from '../../../src/engine/observe.ts';
import { reprocess } from '../../../src/engine/reprocess.ts';
import { Store } from '../../../observations/store/store.ts';
import { relativeToPeak } from '../../../src/analysis/signals.ts';
import { tolerance } from '../../correlator/conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-raw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const raw: ObserveOptions = {
  source: 'sim',
  mode: 'raw',
  tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_400_000, gain: 40 },
  channels: 1024,
  taps: 4,
  integration: 1,
  seconds: 1,
  backend: 'cpu',
  threads: 0,
  dataDir: join(dir, 'a'),
  pacing: false,
};

describe('raw mode and reprocessing', () => {
  it('records the source byte for byte to SigMF in the data folder, referenced by a raw observation', async () => {
    const result = await observe(raw);
    expect(result).toMatchObject({ status: 'complete', integrations: 0 });
    const store = Store.open(raw.dataDir);
    const [rec] = store.rawRecordings(result.observationId);
    expect(rec).toMatchObject({ datatype: 'cu8', sampleRate: 2_400_000, frequency: 1_420_405_752, numChannels: 1 });
    const bytes = new Uint8Array(readFileSync(store.filePath(rec.path)));
    expect(bytes.length).toBe(2 * 2_400_000);
    const meta = JSON.parse(readFileSync(store.filePath(rec.path).replace(/data$/, 'meta'), 'utf8'));
    expect(meta.global['core:datatype']).toBe('cu8');
    expect(meta.captures[0]['core:frequency']).toBe(1_420_405_752);
    // The simulator is seeded: a fresh one gives the same bytes.
    const sim = await openSimSource({ pacing: false });
    await sim.setCenterFrequency(1_420_405_752);
    await sim.setSampleRate(2_400_000);
    await sim.setGain(40);
    const again = sim.read(2_400_000).data;
    await sim.close();
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(again))).toBe(0);
    store.close();
  });

  it('reprocesses a raw observation with new settings into a new one, equal to the reference on the recorded bytes', async () => {
    const result = await reprocess({ observationId: 1, dataDir: raw.dataDir, channels: 256, integration: 0.25, backend: 'cpu', threads: 0 });
    expect(result.status).toBe('complete');
    const store = Store.open(raw.dataDir);
    const [orig, again] = [store.getObservation(1), store.getObservation(result.observationId)];
    expect(again).toMatchObject({ mode: 'spectrum', target: orig.target, start: orig.start, integrations: 4 });
    expect(again.config).toMatchObject({ reprocessedFrom: 1, fx: { channels: 256, taps: 4, spectraPerIntegration: 2344 } });
    const bytes = new Uint8Array(readFileSync(store.filePath(store.rawRecordings(1)[0].path)));
    const expected = await referenceIntegrations({ inputs: 1, channels: 256, taps: 4, spectraPerIntegration: 2344, mode: 'autos' }, [bytes.subarray(0, 2 * (2344 * 256 + 3 * 256))]);
    const [first] = store.integrations(result.observationId);
    expect(first.spectra).toBe(2344);
    // Stored as float32: within fx.md's tolerance of the float64 reference.
    expect(relativeToPeak(first.visibilities, expected[0].visibilities)).toBeLessThan(tolerance);
    store.close();
  });

  it('refuses to reprocess an observation without a raw recording, saying how to make one', async () => {
    await expect(reprocess({ observationId: 2, dataDir: raw.dataDir, backend: 'cpu' })).rejects.toThrow(/has no raw recording to reprocess; record one with fringe observe --mode raw/);
  });

  it('keeps and references what was written when stopped early, and marks it interrupted', async () => {
    const stop = new AbortController();
    const result = await observe({ ...raw, dataDir: join(dir, 'b'), seconds: 30 }, {
      signal: stop.signal,
      onProgress: (p) => {
        if (p.samples > 1_000_000) stop.abort();
      },
    });
    expect(result.status).toBe('interrupted');
    const store = Store.open(join(dir, 'b'));
    const [rec] = store.rawRecordings(result.observationId);
    const size = readFileSync(store.filePath(rec.path)).length;
    expect(size).toBeGreaterThan(2 * 1_000_000);
    expect(size).toBeLessThan(2 * 30 * 2_400_000);
    expect(store.getObservation(result.observationId).status).toBe('interrupted');
    store.close();
  });
});
