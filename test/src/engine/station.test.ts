import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spectra } from '../../helpers/station.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { Station } from '../../../src/engine/station.ts';
import { SettingsError } from '../../../src/engine/settings.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-station-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('station', () => {
  it('starts on the simulator, says so, and streams spectra with the hydrogen line and total power', async () => {
    const station = Station.open(join(dir, 'a'));
    const status = await station.startLive({ backend: 'cpu', threads: 0, pacing: false, integration: 0.25 });
    expect(status.live).toMatchObject({ kind: 'sim', channels: 1024, backend: 'cpu' });
    expect(status.notices.map((n) => n.text).join(' ')).toMatch(/simulator/);
    const [first, , third] = await spectra(station, 3);
    expect(first).toMatchObject({ channels: 1024, sampleRate: 2_400_000, spectra: 586, recording: null });
    // 586 spectra of 1024 samples = 0.25 s apart.
    expect(third.time - first.time).toBeCloseTo((2 * 586 * 1024) / 2_400_000, 6);
    expect(first.totalPower[0]).toBeGreaterThan(0);
    // The hydrogen line 0.3 MHz above the band's centre (offset tuning: 1420.106 MHz, the line at 1420.406 MHz):
    // the channels within ±0.1 MHz of it outshine their mirror image across the centre (the bandpass is symmetric).
    const p = first.power[0], C = 1024, df = 2_400_000 / C;
    const mean = (from: number, to: number) => p.slice(C / 2 + Math.round(from / df), C / 2 + Math.round(to / df)).reduce((s, v) => s + v, 0) / Math.round((to - from) / df);
    expect(first.centerFrequency).toBe(1_420_105_752);
    // Measured 1.10 (one spectrum of 586); without the line the ratio is 1 to a fraction of a per cent.
    expect(mean(0.2e6, 0.4e6) / mean(-0.4e6, -0.2e6)).toBeGreaterThan(1.05);
    await station.close();
  });

  it('records the live stream into the store until stopped, and refuses to retune meanwhile', async () => {
    const station = Station.open(join(dir, 'b'));
    await station.startLive({ backend: 'cpu', threads: 0, pacing: false });
    const id = station.startRecording({ target: 'Sun' });
    expect(() => station.startRecording()).toThrow(/already recording/);
    await expect(station.startLive({ tuning: { centerFrequency: 1.4e9 } })).rejects.toThrow(/stop the recording/);
    const events = await spectra(station, 4);
    expect(events.every((e) => e.recording === id)).toBe(true);
    expect(station.stopRecording()).toBe(id);
    const obs = station.store.getObservation(id);
    expect(obs.status).toBe('complete');
    expect(obs.integrations).toBeGreaterThanOrEqual(4);
    await station.close();
  });

  it('ends the live view and interrupts the recording when the source ends, keeping what was recorded', async () => {
    // A raw cu8 file of 1 s: the source ends by itself.
    const file = join(dir, 'one-second.cu8');
    writeFileSync(file, new Uint8Array(2 * 2_400_000).fill(128));
    const station = Station.open(join(dir, 'c'));
    const statuses: Array<boolean> = [];
    station.on('status', (s) => statuses.push(s.live !== null));
    await station.startLive({ source: `file:${file}`, tuning: { sampleRate: 2_400_000 }, backend: 'cpu', threads: 0, pacing: false });
    const id = station.startRecording();
    await new Promise<void>((resolve) => station.on('status', (s) => s.live === null && resolve()));
    const obs = station.store.getObservation(id);
    expect(obs.status).toBe('interrupted');
    expect(obs.interruptedReason).toMatch(/source stopped/);
    expect(statuses.at(-1)).toBe(false);
    await station.close();
  });

  it('keeps its site across restarts, and says which field of a bad one is wrong', async () => {
    const station = Station.open(join(dir, 'd'));
    station.setSite({ name: 'Jodrell', lat: 53.2367, lon: -2.3085, altitude: 77 });
    expect(() => station.setSite({ name: 'x', lat: 100, lon: 0, altitude: 0 })).toThrow(SettingsError);
    await station.close();
    const again = Station.open(join(dir, 'd'));
    expect(again.site).toEqual({ name: 'Jodrell', lat: 53.2367, lon: -2.3085, altitude: 77 });
    const sun = again.sun(new Date('2026-06-21T12:00:00Z'));
    expect(sun.el).toBeGreaterThan(55);
    expect(sun.nextTransit.el).toBeCloseTo(90 - 53.2367 + 23.44, 0);
    await again.close();
  });
});

describe('a coherent group', () => {
  it('lines up its inputs with measured delays (the interferometer’s sample offsets), correlates every baseline and records them', async () => {
    const station = Station.open(join(dir, 'group'));
    await station.setScenario('interferometer');
    const status = await station.startLive({ source: 'group:sim:0,sim:1,sim:2', backend: 'cpu', threads: 0, pacing: false, channels: 256 });
    expect(status.live).toMatchObject({ kind: 'group', channels: 256 });
    // West, east, north: dongle sample n is taken at common time n + offset (0, 1234, 517).
    expect(status.notices.map((n) => n.text).join(' ')).toMatch(/Group delays measured from 1,048,576 samples: 0: 1234, 1: 0, 2: 717 samples/);
    const id = station.startRecording({ target: 'Sun' });
    const [, e] = await spectra(station, 2);
    station.stopRecording();
    expect(e!.power).toHaveLength(3);
    expect(e!.totalPower.every((p) => p > 0)).toBe(true);
    expect(e!.baselines!.map((b) => [b.a, b.b])).toEqual([[0, 1], [0, 2], [1, 2]]);
    // The sun is common to all three: aligned, the baselines are coherent (0.38–0.41 measured; below 0.003 without the delays).
    for (const b of e!.baselines!) expect(b.coherence).toBeGreaterThan(0.3);
    const obs = station.store.getObservation(id);
    expect(obs.config).toMatchObject({ fx: { inputs: 3, mode: 'full', delays: [1234, 0, 717] }, calibration: { lags: [0, -1234, -517] } });
    await station.close();
  }, 120_000);

  it('decorrelates without its delays: the offsets are longer than a spectrum', async () => {
    const station = Station.open(join(dir, 'group-raw'));
    await station.setScenario('interferometer');
    const status = await station.startLive({ source: 'group:sim:0,sim:1,sim:2', backend: 'cpu', threads: 0, pacing: false, channels: 256, calibrate: false });
    expect(status.notices.map((n) => n.text).join(' ')).toMatch(/not calibrated/);
    // The second integration: after the noise source's first pulse (0.05 s), which the taps' window of 1024 samples partly spans on the 517-sample baseline.
    const [, e] = await spectra(station, 2);
    for (const b of e!.baselines!) expect(b.coherence).toBeLessThan(0.01);
    await station.close();
  }, 120_000);
});

describe('raw IQ from the live view', () => {
  it('records the samples the reader takes to SigMF byte for byte, then reprocesses them through the API with progress', async () => {
    const { readFileSync } = await import('node:fs');
    const { openSimSource } = await import('../../../devices/sim/index.ts');
    const { dispatcher } = await import('../../../src/api/dispatch.ts');
    const station = Station.open(join(dir, 'raw'));
    const call = dispatcher(station);
    await station.startLive({ backend: 'cpu', threads: 0, pacing: 1, integration: 0.25 });
    await spectra(station, 1);
    const { id } = (await call('record.start', { mode: 'raw', target: 'Sun' })) as { id: number };
    expect(station.status().recording).toMatchObject({ id, mode: 'raw' });
    await spectra(station, 4);
    expect(await call('record.stop', {})).toEqual({ id });
    const obs = station.store.getObservation(id);
    expect(obs).toMatchObject({ mode: 'raw', status: 'complete' });
    const [rec] = station.store.rawRecordings(id);
    const bytes = new Uint8Array(readFileSync(station.store.filePath(rec!.path)));
    const meta = JSON.parse(readFileSync(station.store.filePath(rec!.path).replace(/data$/, 'meta'), 'utf8'));
    // About a second at 2.4 MS/s, starting mid-stream. Paced at real time on an idle machine it is one capture; on a busy one
    // the live view drops blocks it could not take (each drop starts a new capture at its global index), so every capture is checked.
    const captures = meta.captures as { 'core:sample_start': number; 'core:global_index': number }[];
    expect(captures.length).toBeGreaterThanOrEqual(1);
    const first = captures[0]!['core:global_index'];
    expect(first).toBeGreaterThan(0);
    const total = bytes.length / 2;
    const last = captures.at(-1)!;
    expect(last['core:global_index'] + (total - last['core:sample_start']) - first).toBeGreaterThan(0.8 * 2.4e6);
    expect(obs.end! - obs.start).toBeCloseTo(total / 2.4e6, 6);
    // The simulator is seeded and block-size independent: a fresh one gives the same bytes at the same samples.
    const sim = await openSimSource({ pacing: false });
    // at the recording's own tuning (the live view's offset tuning, not the scenario's)
    await sim.setCenterFrequency(meta.captures[0]['core:frequency']);
    let at = 0;
    captures.forEach((c, k) => {
      const n = (captures[k + 1]?.['core:sample_start'] ?? total) - c['core:sample_start'];
      sim.engine.skip(0, c['core:global_index'] - at);
      const segment = bytes.subarray(2 * c['core:sample_start'], 2 * (c['core:sample_start'] + n));
      expect(Buffer.compare(Buffer.from(segment), Buffer.from(sim.read(n).data)), `capture ${k}`).toBe(0);
      at = c['core:global_index'] + n;
    });
    await sim.close();

    const tasks: number[] = [];
    station.on('task', (t) => tasks.push(t.fraction));
    const made = (await call('observations.reprocess', { id, channels: 256, integration: 0.1 })) as { id: number; integrations: number };
    expect(made.integrations).toBeGreaterThanOrEqual(8);
    expect(station.store.getObservation(made.id)).toMatchObject({ status: 'complete', target: 'Sun', config: { reprocessedFrom: id, fx: { channels: 256 } } });
    expect(tasks.at(-1)).toBe(1);
    await expect(call('observations.reprocess', { id: made.id })).rejects.toThrow(/has no raw recording/);
    await station.close();
  }, 60_000);
});
