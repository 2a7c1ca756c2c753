/**
 * The session changes of issue 10 (serialised, refused changes leave the
 * running session as it was, every error path closes the backend) and the
 * spine of issue 11 (sky clock, site and pointing recorded, calibration as
 * an input).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportObservation } from '../../../observations/export/index.ts';
import { Store } from '../../../observations/store/store.ts';
import { sunPosition } from '../../../src/astro/sun.ts';
import { fixedClock } from '../../../src/engine/clock.ts';
import { observe } from '../../../src/engine/observe.ts';
import { Station } from '../../../src/engine/station.ts';
import { offsetCentre } from '../../../src/api/tuning.ts';
import type { SpectrumEvent } from '../../../src/api/types.ts';
import { startSimChild } from '../../helpers/sim-child.ts';
import { spectra } from '../../helpers/station.ts';
import { noAstropy, python } from '../../observations/export/validators.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves true when the station emits a spectrum within `ms`, false otherwise: the ceiling is the margin for "never". */
function spectrumWithin(station: Station, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const on = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    const done = (v: boolean) => {
      clearTimeout(timer);
      station.off('spectrum', on);
      resolve(v);
    };
    station.on('spectrum', on);
  });
}

/** A port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('session changes (issue 10)', () => {
  it('two concurrent live.start calls leave a live session that live.stop cannot stop', async () => {
    const station = Station.open(join(dir, 'concurrent'));
    try {
      const [a, b] = await Promise.all([
        station.startLive({ backend: 'cpu', threads: 0, pacing: false }),
        station.startLive({ backend: 'cpu', threads: 0, pacing: false, channels: 512 }),
      ]);
      expect(a.live?.channels).toBe(1024);
      expect(b.live?.channels).toBe(512);
      // Only the last session is live: every spectrum from here is of 512 channels.
      const got = await spectra(station, 3);
      expect(got.every((e) => e.channels === 512)).toBe(true);
      await station.stopLive();
      expect(station.status().live).toBeNull();
      // An unpaced simulator makes a spectrum every few milliseconds: 1.5 s without one means none is running.
      expect(await spectrumWithin(station, 1500)).toBe(false);
    } finally {
      await station.close();
    }
  });

  it('a live.start that fails (a bad source) stops the live view that was running', async () => {
    const station = Station.open(join(dir, 'bad-source'));
    try {
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false });
      await expect(station.startLive({ source: 'dongle7', backend: 'cpu', threads: 0 })).rejects.toThrow(/unknown kind 'dongle7'/);
      expect(station.status().live).toMatchObject({ source: 'sim', kind: 'sim', channels: 1024 });
      expect((await spectra(station, 2)).every((e) => e.centerFrequency === offsetCentre(2_400_000))).toBe(true);
    } finally {
      await station.close();
    }
  });

  for (const hz of [10e6, 5e9]) {
    it(`a retune to an impossible frequency (${hz / 1e6} MHz) stops the live view that was running`, async () => {
      const station = Station.open(join(dir, `retune-${hz}`));
      try {
        await station.startLive({ backend: 'cpu', threads: 0, pacing: false });
        const before: SpectrumEvent[] = await spectra(station, 1);
        await expect(station.startLive({ backend: 'cpu', threads: 0, pacing: false, tuning: { centerFrequency: hz } })).rejects.toThrow(/outside an R820T's 24–1766 MHz/);
        expect(station.status().live).toMatchObject({ source: 'sim', tuning: { centerFrequency: offsetCentre(2_400_000) } });
        // The same session goes on: its spectra keep their time line (no restart from the scenario's start).
        const [after] = await spectra(station, 1);
        expect(after.centerFrequency).toBe(offsetCentre(2_400_000));
        expect(after.time).toBeGreaterThan(before[0]!.time);
      } finally {
        await station.close();
      }
    });
  }

  it('a change to a dead rtl_tcp server stops the live view that was running', async () => {
    const station = Station.open(join(dir, 'dead-rtltcp'));
    try {
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false });
      await expect(station.startLive({ source: `rtltcp:127.0.0.1:${await deadPort()}`, backend: 'cpu', threads: 0 })).rejects.toThrow();
      expect(station.status().live).toMatchObject({ source: 'sim', kind: 'sim' });
      expect(await spectrumWithin(station, 20_000)).toBe(true);
    } finally {
      await station.close();
    }
  });

  it('a retune of an rtl_tcp server to an impossible frequency (5 GHz) stops the live view that was running (retuned in place: the refusal changes nothing)', async () => {
    const sim = await startSimChild();
    const station = Station.open(join(dir, 'rtltcp-retune'));
    try {
      const source = `rtltcp:${sim.endpoint}`;
      await station.startLive({ source, backend: 'cpu', threads: 0, tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_400_000 } });
      await spectra(station, 1);
      await expect(station.startLive({ source, backend: 'cpu', threads: 0, tuning: { centerFrequency: 5e9 } })).rejects.toThrow(/Centre frequency must be/);
      expect(station.status().live).toMatchObject({ source, kind: 'rtltcp', tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_400_000 } });
      expect((await spectra(station, 1))[0]!.centerFrequency).toBe(1_420_405_752);
    } finally {
      await station.close();
      await sim.stop();
    }
  }, 60_000);

  it('a change of an rtl_tcp server\'s settings with an impossible frequency stops the live view that was running (the server released, the change refused, the session reopened as it was)', async () => {
    const sim = await startSimChild();
    const station = Station.open(join(dir, 'rtltcp-reopen'));
    const errors: string[] = [];
    station.on('error', (e) => errors.push(e.message));
    try {
      const source = `rtltcp:${sim.endpoint}`;
      await station.startLive({ source, backend: 'cpu', threads: 0, channels: 1024, tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_400_000 } });
      await spectra(station, 1);
      await expect(station.startLive({ source, backend: 'cpu', threads: 0, channels: 512, tuning: { centerFrequency: 5e9 } })).rejects.toThrow(/Centre frequency must be/);
      expect(errors).toEqual([]);
      expect(station.status().live).toMatchObject({ source, kind: 'rtltcp', channels: 1024, tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_400_000 } });
      expect((await spectra(station, 1))[0]!.channels).toBe(1024);
    } finally {
      await station.close();
      await sim.stop();
    }
  }, 60_000);

  it('observe never exits when the store refuses the new observation after the worker threads started (a SigMF file with a negative frequency)', async () => {
    const base = join(dir, 'negative');
    writeFileSync(`${base}.sigmf-data`, new Uint8Array(2 * 256_000).fill(128));
    writeFileSync(
      `${base}.sigmf-meta`,
      JSON.stringify({
        global: { 'core:datatype': 'cu8', 'core:version': '1.2.5', 'core:sample_rate': 1_024_000 },
        captures: [{ 'core:sample_start': 0, 'core:frequency': -1e6 }],
        annotations: [],
      }),
    );
    const child = spawn(process.execPath, ['bin/fringe.js', 'observe', '--source', `file:${base}.sigmf-meta`, '--backend', 'cpu', '--threads', '2', '--seconds', '0.1', '--fast', '--db', join(dir, 'negative-db')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Bounded: a run that hangs on its worker threads is killed after 30 s and fails the test.
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 30_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/frequency/i);
  }, 40_000);
});

describe('the sky clock, site and pointing (issue 11)', () => {
  it('runs a 1-hour simulated sky in under a minute of wall time: sky times span the hour, the sun in the recording follows the sky clock', async () => {
    const scenario = join(dir, 'fast-sky.json');
    // 240 sky seconds per second of samples: an hour in 15 s of samples at 250 kS/s.
    writeFileSync(scenario, JSON.stringify({ speed: 240, start: '2026-06-21T10:00:00Z', tuning: { centerFrequency: 1_420_405_752, sampleRate: 250_000, gain: 40, ppm: 0 } }));
    const started = performance.now();
    const dataDir = join(dir, 'hour');
    const result = await observe({ source: 'sim', mode: 'totalpower', scenario, tuning: {}, channels: 64, taps: 4, integration: 1, seconds: 15, backend: 'cpu', threads: 0, dataDir, pacing: false });
    const wall = (performance.now() - started) / 1000;
    expect(result.status).toBe('complete');
    expect(wall).toBeLessThan(60);
    const store = Store.open(dataDir);
    try {
      const obs = store.getObservation(result.observationId);
      const site = { name: 'simulator', lat: 52, lon: 0, altitude: 0 };
      expect(obs.config.clock).toEqual({ kind: 'simulated', speed: 240 });
      expect(obs.config.site).toEqual(site);
      expect(obs.start).toBe(Date.parse('2026-06-21T10:00:00Z') / 1000);
      const its = [...store.integrations(result.observationId)];
      const last = its.at(-1)!;
      expect(last.time + last.duration - its[0]!.time).toBeCloseTo(3600, -1);
      // Where the dish pointed: the sun (the scenario tracks it), at the sky time of each record.
      const sunAt = (t: number) => sunPosition(site, new Date(t * 1000));
      const p0 = obs.config.pointing!;
      expect(p0.source).toBe('scenario');
      expect(Math.abs(p0.az! - sunAt(obs.start).az)).toBeLessThan(0.1);
      const moves = store.events(result.observationId).filter((e) => e.kind === 'pointing');
      // The sun moves about 15° an hour in azimuth: many records, spread over the hour.
      expect(moves.length).toBeGreaterThan(10);
      expect(moves.at(-1)!.time - obs.start).toBeGreaterThan(3000);
      for (const e of moves) {
        const d = e.data as { az: number; el: number; ra: number; dec: number };
        expect(Math.abs(d.az - sunAt(e.time).az)).toBeLessThan(0.1);
        expect(Math.abs(d.el - sunAt(e.time).el)).toBeLessThan(0.1);
      }
      // The mode's analysis, kept with the observation: the band power and its radiometer scatter.
      const note = store.events(result.observationId).find((e) => e.kind === 'note')!.data as { mode: string; report: { values: { meanPower: number[]; fractionalRms: number[] } } };
      expect(note.mode).toBe('totalpower');
      expect(note.report.values.meanPower[0]).toBeGreaterThan(0);
      expect(result.report?.summary).toMatch(/band power/);
      // The sun's declination at the June solstice, derived from az/el: +23.4°.
      expect((moves[0]!.data as { dec: number }).dec).toBeCloseTo(23.4, 0);
    } finally {
      store.close();
    }
  }, 120_000);

  it("takes the sun and its next transit from the simulator's sky clock and site while it runs (was: the simulated sun with the real site's transit)", async () => {
    const station = Station.open(join(dir, 'sky-sun'));
    try {
      station.setSite({ name: 'Sydney', lat: -33.87, lon: 151.21, altitude: 40 });
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false });
      await spectra(station, 1);
      // The default scenario: 52° N, 0° E, from 2026-06-21 12:00 UTC; the sun transits there about 12:02 UTC at el 61.4°.
      const sun = station.sun();
      expect(sun.sky).toMatchObject({ sky: 'simulator' });
      expect(sun.el).toBeGreaterThan(60);
      expect(sun.nextTransit.el).toBeCloseTo(90 - 52 + 23.44, 0);
      expect(Math.abs(sun.nextTransit.time.getTime() - Date.parse('2026-06-21T12:02:00Z'))).toBeLessThan(5 * 60_000);
      expect(station.clock.kind).toBe('simulated');
    } finally {
      await station.close();
    }
  });

  it('times a recording by an injected clock when the source has none of its own (a file)', async () => {
    const file = join(dir, 'quarter-second.cu8');
    writeFileSync(file, new Uint8Array(2 * 600_000).fill(128));
    const at = Date.parse('2030-01-01T00:00:00Z');
    const dataDir = join(dir, 'injected');
    const result = await observe({ source: `file:${file}`, mode: 'spectrum', tuning: { sampleRate: 2_400_000 }, channels: 64, taps: 4, integration: 0.1, seconds: 0.25, backend: 'cpu', threads: 0, dataDir, pacing: false, clock: fixedClock(at) });
    const store = Store.open(dataDir);
    try {
      const obs = store.getObservation(result.observationId);
      expect(obs.start).toBe(at / 1000);
      expect(obs.config.clock).toEqual({ kind: 'real', speed: 1 });
      expect([...store.integrations(result.observationId)][1]!.time).toBeCloseTo(at / 1000 + 0.1, 2);
    } finally {
      store.close();
    }
  });

  it.skipIf(noAstropy() !== null)('a simulated interferometer observation records site and antennas so that UVFITS exports from it (was: "observation has no site")', async () => {
    const dataDir = join(dir, 'uv');
    const result = await observe({
      source: 'group:sim:0,sim:1,sim:2', scenario: 'devices/sim/scenarios/interferometer.json', mode: 'spectrum', tuning: {},
      channels: 64, taps: 4, integration: 0.25, seconds: 1, backend: 'cpu', threads: 0, dataDir, pacing: false,
    });
    const store = Store.open(dataDir);
    let file: string;
    try {
      const obs = store.getObservation(result.observationId);
      expect(obs.config.antennas?.map((a) => a.name)).toEqual(['west', 'east', 'north']);
      expect(obs.config.site).toMatchObject({ lat: 52, lon: 0 });
      file = join(dir, 'uv.uvfits');
      exportObservation(store, result.observationId, 'uvfits', file);
    } finally {
      store.close();
    }
    const r = python<{ nbl: number; ants: string[]; ra: number }>(
      `h = fits.open(path)\nd = h[0].data\nan = h['AIPS AN'].data\nprint(json.dumps({'nbl': len({int(b) for b in d['BASELINE'].tolist() if int(b) // 256 != int(b) % 256}), 'ants': [s.strip() for s in an['ANNAME']], 'ra': float(h[0].header['OBSRA'])}))`,
      file,
    );
    // Three cross baselines (the autos ride along as baselines a–a).
    expect(r.nbl).toBe(3);
    expect(r.ants).toEqual(['west', 'east', 'north']);
    // The phase centre: where the dishes pointed at the start (the sun at noon at the June solstice: RA ≈ 90°).
    expect(r.ra).toBeGreaterThan(85);
    expect(r.ra).toBeLessThan(95);
  }, 60_000);

  it('refuses a calibration of the wrong shape, saying what it needs, and leaves the live correlator as it was', async () => {
    const station = Station.open(join(dir, 'bad-calibration'));
    try {
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false, channels: 256 });
      await expect(station.setCalibration({ gains: [new Float32Array(10)] })).rejects.toThrow(/gains must be finite complex values, 2×256 numbers per input.*1 inputs, 256 channels/);
      await expect(station.setCalibration({ delays: [-1] })).rejects.toThrow(/delays must be finite samples ≥ 0/);
      await expect(station.setCalibration({ scale: [1, 2] })).rejects.toThrow(/scale must be finite and > 0/);
      expect(station.status().live).toMatchObject({ channels: 256 });
      await spectra(station, 1);
    } finally {
      await station.close();
    }
  });

  it(
    'calibrates the live correlator from the next integration and records it as a calibration event with the integration it applies from',
    async () => {
      const station = Station.open(join(dir, 'calibration'));
      try {
        await station.startLive({ backend: 'cpu', threads: 0, pacing: false, channels: 256 });
        const id = station.startRecording();
        await spectra(station, 2);
        const gains = [Float32Array.from({ length: 512 }, (_, k) => (k % 2 === 0 ? 2 : 0))];
        expect(await station.setCalibration({ gains })).toEqual({ calibration: 1 });
        await spectra(station, 3);
        station.stopRecording();
        const events = station.store.events(id).filter((e) => e.kind === 'calibration');
        expect(events).toHaveLength(1);
        const d = events[0]!.data as { calibration: number; fromIntegration: number; gains: number[][] };
        expect(d.calibration).toBe(1);
        expect(d.gains[0]!.slice(0, 2)).toEqual([2, 0]);
        // The integrations from that index on carry 4× the power (|g|² = 4) of those before.
        const its = [...station.store.integrations(id)];
        const band = (i: (typeof its)[number]) => Array.from(i.visibilities.filter((_, k) => k % 2 === 0)).reduce((s, v) => s + v, 0) / i.spectra;
        const from = its.findIndex((i) => i.index === d.fromIntegration);
        expect(from).toBeGreaterThan(0);
        expect(band(its[from]!) / band(its[from - 1]!)).toBeCloseTo(4, 0);
      } finally {
        await station.close();
      }
    },
  );
});
