import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FringeFits, FringeView, StationStatus } from '../../../src/api/types.ts';
import { dispatcher } from '../../../src/api/dispatch.ts';
import { closurePhases, fromPolar } from '../../../src/api/closure.ts';
import { Station } from '../../../src/engine/station.ts';
import { spectra } from '../../helpers/station.ts';
import { exportUvfits } from '../../../observations/export/uvfits.ts';
import { channelFrequencies } from '../../../observations/export/common.ts';
import { noAstropy, python } from '../../observations/export/validators.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-group-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The next status that satisfies `ok` (statuses are events: no polling). */
function statusWhere(station: Station, ok: (s: StationStatus) => boolean): Promise<StationStatus> {
  return new Promise((resolve) => {
    const now = station.status();
    if (ok(now)) return resolve(now);
    const on = (s: StationStatus) => {
      if (!ok(s)) return;
      station.off('status', on);
      resolve(s);
    };
    station.on('status', on);
  });
}

describe('a live group calibrated and tracked by the station', () => {
  it('calibrates from the switched noise source at start (delays within 0.05 sample of the scenario), says so, and records it as an event of the recording', async () => {
    const station = Station.open(join(dir, 'a'));
    station.groupRecheckSeconds = 0.5;
    await station.setScenario('interferometer');
    const start = await station.startLive({ source: 'group:sim:0,sim:1,sim:2', backend: 'cpu', threads: 0, pacing: false, channels: 256, integration: 0.25 });
    expect(start.groupTracking).toMatchObject({ state: 'calibrating', delays: null, recheckSeconds: 0.5 });
    const id = station.startRecording({ target: 'Sun' });
    const locked = await statusWhere(station, (s) => s.groupTracking?.state === 'locked');
    // West, east, north take common sample n + 0, 1234, 517: the delays that line them up are 1234, 0, 717.
    const truth = [1234, 0, 717];
    locked.groupTracking!.delays!.forEach((d, a) => expect(Math.abs(d - truth[a]!)).toBeLessThan(0.05));
    expect(locked.notices).toContainEqual(expect.objectContaining({ kind: 'group-tracking', state: 'locked', text: expect.stringMatching(/calibrated from the noise source/) }));
    expect(locked.groupTracking!.events[0]).toMatchObject({ state: 'locked', reason: 'calibrated from the noise source' });
    // The calibration reaches the correlator: later integrations carry its count, and the baselines stay coherent.
    const after = await spectra(station, 3);
    for (const b of after.at(-1)!.baselines!) expect(b.coherence).toBeGreaterThan(0.3);
    station.stopRecording();
    const events = station.store.events(id).filter((e) => e.kind === 'calibration');
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]!.data).toMatchObject({ tracking: { state: 'locked', delays: expect.any(Array) } });
    await station.close();
  }, 120_000);

  it('re-aligns after input 1 silently loses 5000 samples, within one recheck period of sample time (found by the coherence collapse)', async () => {
    const station = Station.open(join(dir, 'd'));
    // The station's default period: far longer than the test, so only the collapse trigger can find the loss in time.
    const recheck = 60;
    station.groupRecheckSeconds = recheck;
    await station.setScenario('interferometer');
    await station.startLive({ source: 'group:sim:0,sim:1,sim:2', backend: 'cpu', threads: 0, pacing: false, channels: 256, integration: 0.25 });
    const fs = station.status().live!.tuning.sampleRate;
    const locked = await statusWhere(station, (s) => s.groupTracking?.state === 'locked');
    const before = locked.groupTracking!.delays!;
    await spectra(station, 2);
    // A dongle over rtl_tcp losing samples without a trace: input 1's stream jumps ahead, its count and `dropped` do not.
    // (The simulator's other losses are all traced: a count that jumps with `dropped` is resynchronised by the correlator and
    // needs no re-alignment, and one that jumps without it ends the live view: "the source lost count of its samples".)
    const lost = 5000;
    const at = station.loseSamples(1, lost);
    const realigned = await statusWhere(station, (s) => s.groupTracking?.events.some((e) => e.delays && /re-aligned/.test(e.reason)) ?? false);
    const events = realigned.groupTracking!.events;
    const e = events.find((x) => x.delays && /re-aligned/.test(x.reason))!;
    // Integrations from one after the one the new calibration was handed on in (sky time: the check's, plus samples to it).
    const applied = e.time + (e.appliedAt! - e.sample) / fs;
    const after = await spectra(station, 4, (x) => x.time > applied + 0.5);
    const later = station.status().groupTracking!;
    await station.close();
    // The integrations computed before the re-alignment took effect (still collapsed) do not call it lost again.
    expect(later.events.slice(later.events.findIndex((x) => /re-aligned/.test(x.reason)) + 1)).toEqual([]);
    expect(later.state).toBe('tracking');
    console.log(`lost at sample ${at}\n` + events.map((x) => `${x.sample} ${x.state}: ${x.reason} ${x.delays?.map((d) => d.toFixed(3)).join(', ') ?? ''} ${x.coherence?.map((c) => c.toFixed(3)).join(', ') ?? ''}`).join('\n'));
    expect(e.state).toBe('tracking');
    // Input 1 now carries each common sample 5000 counts earlier: its delay relative to input 0 falls by 5000, input 2's stays.
    const rel = (d: readonly number[]) => d.map((x) => x - d[0]!);
    const expected = rel(before).map((d, a) => (a === 1 ? d - lost : d));
    rel(e.delays!).forEach((d, a) => expect(Math.abs(d - expected[a]!)).toBeLessThan(0.05));
    // The collapse of baseline 0–1 called it lost, and the check that re-aligned began after the loss and within one
    // recheck period of it, in sample time (the tracker counts input 0's samples: sky time through the session's clock).
    expect(events).toContainEqual(expect.objectContaining({ state: 'lost', reason: expect.stringMatching(/baseline 0–1 fell/) }));
    expect(e.sample).toBeGreaterThanOrEqual(at);
    expect(e.sample - at).toBeLessThanOrEqual(recheck * fs);
    // The first check measured on the noise source as this one did: its captures came after the switch, not from the
    // samples the group's delay measurement had read before it and the live view replays (coherence 0.207 against 0.49 then).
    const first = events.find((x) => x.reason === 'calibrated from the noise source')!;
    for (let a = 1; a < 3; a++) expect(Math.abs(first.coherence![a]! - e.coherence![a]!)).toBeLessThan(0.1 * e.coherence![a]!);
    // And the correlator is coherent again on every baseline.
    for (const b of after.at(-1)!.baselines!) expect(b.coherence).toBeGreaterThan(0.3);
  }, 120_000);

  it('does not track a group started with calibrate: false', async () => {
    const station = Station.open(join(dir, 'b'));
    await station.setScenario('interferometer');
    const s = await station.startLive({ source: 'group:sim:0,sim:1,sim:2', backend: 'cpu', threads: 0, pacing: false, channels: 256, calibrate: false });
    expect(s.groupTracking).toBeNull();
    await station.close();
  }, 120_000);

  it.skipIf(noAstropy() !== null)('records a calibrated group observation whose UVFITS astropy reads: baseline lengths, frequencies, times, the calibration, coherent baselines, and its fringes and closure phase through the API', async () => {
    const station = Station.open(join(dir, 'c'));
    station.groupRecheckSeconds = 30;
    await station.setScenario('interferometer');
    await station.startLive({ source: 'group:sim:0,sim:1,sim:2', backend: 'cpu', threads: 0, pacing: false, channels: 64, integration: 0.1 });
    await statusWhere(station, (s) => s.groupTracking?.state === 'locked');
    // From the integration after the calibration applied.
    await spectra(station, 2);
    const id = station.startRecording({ target: 'Sun' });
    const live = await spectra(station, 4);
    station.stopRecording();
    await station.stopLive();
    const obs = station.store.getObservation(id);
    expect(obs.config.fx.gains).not.toBeNull();
    const out = join(dir, 'cal.uvfits');
    exportUvfits(station.store, id, out);
    const times = station.store.integrationTimes(id);
    const r = python<{ len: Record<string, number[]>; freq: number[]; date: number[]; history: string; coherence: Record<string, number[]> }>(`
h = fits.open(path)
g = h[0].data
hd = h[0].header
bl = g.par('BASELINE').astype(int)
uvw = np.stack([g.par('UU'), g.par('VV'), g.par('WW')], 1) * 299792458.0
d = g.data[:, 0, 0, 0, :, 0, :]
V = d[..., 0] + 1j * d[..., 1]
L, coh = {}, {}
auto = {a: V[bl == 257 * a].real for a in (1, 2, 3)}
for k in sorted(set(bl.tolist())):
    a, b = k // 256, k % 256
    if a == b: continue
    sel = bl == k
    L['%d-%d' % (a, b)] = np.linalg.norm(uvw[sel], axis=1).tolist()
    coh['%d-%d' % (a, b)] = (np.abs(V[sel].sum(1)) / np.sqrt(auto[a].sum(1) * auto[b].sum(1))).tolist()
f = hd['CRVAL4'] + (np.arange(hd['NAXIS4']) + 1 - hd['CRPIX4']) * hd['CDELT4']
print(json.dumps({'len': L, 'freq': f.tolist(), 'date': np.unique(g.par('DATE')).tolist(), 'history': ''.join(str(x).ljust(72) for x in hd['HISTORY']), 'coherence': coh}))
`, out);
    // The scenario's dishes: west (−5, 0, 0), east (5, 0, 0), north (0, 8, 0.5) m.
    const expected: Record<string, number> = { '1-2': 10, '1-3': Math.hypot(5, 8, 0.5), '2-3': Math.hypot(5, 8, 0.5) };
    for (const [k, L] of Object.entries(expected)) for (const x of r.len[k]!) expect(x).toBeCloseTo(L, 4);
    expect(r.freq).toEqual(Array.from(channelFrequencies(obs.config)));
    expect(r.date).toHaveLength(times.length);
    r.date.forEach((jd, i) => expect(Math.abs((jd - 2440587.5) * 86400 - (times[i]!.time + times[i]!.duration / 2))).toBeLessThan(0.01));
    const applied = /Correlator calibration applied: delays ([-\d., ]+) samples; per-channel complex gains/.exec(r.history.replace(/ {2,}/g, " "));
    expect(applied, r.history).not.toBeNull();
    applied![1]!.split(", ").map(Number).forEach((d, a) => expect(Math.abs(d - [1234, 0, 717][a]!)).toBeLessThan(0.05));
    // Calibrated: every baseline coherent on the sun (uncalibrated, the 1234-sample offset leaves < 0.01).
    for (const c of Object.values(r.coherence)) for (const x of c) expect(x).toBeGreaterThan(0.3);
    // Its page's fringes through the API: three baselines, one triangle whose closure phase is near 0 on the
    // (barely resolved: 2J₁(x)/x ≈ 0.8 at 10 m) sun, whatever the antennas' phases.
    const call = dispatcher(station);
    const view = (await call('observations.fringes', { id })) as FringeView;
    expect(view.baselines.map((b) => [b.a, b.b])).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(view.time).toHaveLength(times.length);
    for (const b of view.baselines) {
      expect(b.spectrumPhaseDeg).toHaveLength(64);
      b.amplitude.forEach((x) => expect(x).toBeGreaterThan(0.3));
    }
    for (const d of view.closures[0]!.deg) expect(Math.abs(d)).toBeLessThan(2); // measured within 0.6°
    // The Live page's numbers are the page's: the same closure function (api/closure.ts) over the spectrum events' band
    // sums gives each recorded integration's closure phase and amplitudes (within the store's float32 rounding).
    const liveClosure = closurePhases(live[0]!.baselines!.map(({ a, b }, k) => ({ a, b, ...fromPolar(live.map((e) => e.baselines![k]!.coherence), live.map((e) => e.baselines![k]!.phase)) })))[0]!;
    let matched = 0;
    times.forEach((t, i) => {
      const e = live.findIndex((x) => Math.abs(x.time - t.time) < 1e-6);
      if (e < 0) return;
      matched++;
      expect(Math.abs(liveClosure.deg[e]! - view.closures[0]!.deg[i]!)).toBeLessThan(0.01);
      view.baselines.forEach((b, k) => expect(Math.abs(live[e]!.baselines![k]!.coherence - b.amplitude[i]!)).toBeLessThan(1e-5));
    });
    expect(matched).toBeGreaterThanOrEqual(3);
    // Four integrations of 0.1 s are no transit: the fits say why instead of giving numbers.
    const fits = (await call('observations.fringeFits', { id })) as FringeFits;
    expect(fits.baseline).toEqual({ error: expect.stringMatching(/integrations; a fringe fit needs hours/) });
    await station.close();
  }, 120_000);
});
