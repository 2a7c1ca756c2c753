import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { observe, spectraFor, type ObserveOptions } from '../../../src/engine/observe.ts';
import { Store } from '../../../observations/store/store.ts';
import { hydrogenLine } from '../../../src/astro/velocity.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-observe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: ObserveOptions = {
  source: 'sim',
  mode: 'spectrum',
  tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_400_000, gain: 40 },
  channels: 1024,
  taps: 4,
  integration: 1,
  seconds: 3,
  backend: 'cpu',
  threads: 0,
  dataDir: join(dir, 'a'),
  pacing: false,
};

describe('observe', () => {
  it('records the simulator into the store: whole integrations of round(τ·rate/C) spectra, complete', async () => {
    const result = await observe(base);
    expect(result).toMatchObject({ status: 'complete', integrations: 3 });
    const store = Store.open(base.dataDir);
    const obs = store.listObservations();
    expect(obs).toHaveLength(1);
    expect(obs[0]).toMatchObject({ id: result.observationId, mode: 'spectrum', status: 'complete', target: 'Sun', integrations: 3 });
    const K = spectraFor(1, 2_400_000, 1024);
    expect(K).toBe(2344);
    const stored = [...store.integrations(result.observationId)];
    // 3 s = 7200000 samples: 2 full integrations and the rest (7031 − 2·2344 = 2343 spectra) ended by the duration.
    expect(stored.map((i) => i.spectra)).toEqual([K, K, Math.floor((3 * 2_400_000 - 4 * 1024) / 1024) + 1 - 2 * K]);
    // The hydrogen line: the simulator's spectrum has excess power within ±150 km/s (±0.71 MHz) of 1420.406 MHz
    // over channels 0.8 MHz away on the same side of the band (away from the DC channel and band edges).
    const C = 1024, df = 2_400_000 / C;
    const power = (f: number) => {
      const j = Math.round((f - 1_420_405_752) / df) + C / 2;
      let p = 0;
      for (let d = -3; d <= 3; d++) p += stored[0].visibilities[2 * (j + d)];
      return p;
    };
    const line = Math.max(...[-0.3e6, -0.2e6, -0.1e6, 0.1e6, 0.2e6, 0.3e6].map((o) => power(hydrogenLine + o)));
    const off = Math.min(power(hydrogenLine - 0.9e6), power(hydrogenLine + 0.9e6));
    // The default scenario gives about 1.4 (≈ 40 K of line over 100 K of system); noise is < 1 % per point.
    expect(line / off).toBeGreaterThan(1.15);
    store.close();
  });

  it('records a group: its delays measured first, every baseline correlated, the same duration of every input', async () => {
    const notices: string[] = [];
    const result = await observe(
      { ...base, source: 'group:sim:0,sim:1,sim:2', scenario: 'devices/sim/scenarios/interferometer.json', channels: 256, seconds: 1, integration: 0.25, dataDir: join(dir, 'group') },
      { onNotice: (n) => notices.push(n) },
    );
    expect(notices.join(' ')).toMatch(/Group delays measured from 1,048,576 samples: 0: 1234, 1: 0, 2: 717 samples/);
    expect(result.status).toBe('complete');
    const store = Store.open(join(dir, 'group'));
    const obs = store.getObservation(result.observationId);
    expect(obs.config).toMatchObject({ fx: { inputs: 3, mode: 'full', delays: [1234, 0, 717] }, calibration: { lags: [0, -1234, -517] } });
    const stored = [...store.integrations(result.observationId)];
    // 1 s of each input, less the largest delay and the filter's first taps: 4 integrations of 2344 spectra, the last short.
    expect(stored.length).toBe(4);
    expect(stored.slice(0, 3).every((i) => i.spectra === 2344)).toBe(true);
    expect(stored[0]!.visibilities.length).toBe(2 * 6 * 256);
    store.close();
  }, 60_000);

  it('keeps what it recorded and marks the observation interrupted when stopped early', async () => {
    const stop = new AbortController();
    const result = await observe({ ...base, dataDir: join(dir, 'b'), seconds: 60 }, {
      signal: stop.signal,
      onProgress: (p) => {
        if (p.integrations >= 2) stop.abort();
      },
    });
    expect(result.status).toBe('interrupted');
    const store = Store.open(join(dir, 'b'));
    const [o] = store.listObservations();
    expect(o.status).toBe('interrupted');
    expect(o.integrations).toBeGreaterThanOrEqual(2);
    store.close();
  });

  it('refuses a source it cannot parse, with the forms it accepts, and records nothing', async () => {
    await expect(observe({ ...base, dataDir: join(dir, 'c'), source: 'dongle7' })).rejects.toThrow(/unknown kind 'dongle7'.*rtlsdr:INDEX/);
    const store = Store.open(join(dir, 'c'));
    expect(store.listObservations()).toHaveLength(0);
    store.close();
  });
});

describe('fringe observe', () => {
  it('prints the id as JSON with --json, progress on stderr, and exits 0', () => {
    const out = execFileSync(process.execPath, ['bin/fringe.js', 'observe', '--seconds', '2', '--fast', '--backend', 'cpu', '--db', join(dir, 'd'), '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(JSON.parse(out)).toEqual({ id: 1, integrations: 2, status: 'complete' });
  });

  it('with --backend auto, keeps the GPU drivers’ own warnings off its stderr (the adapter is probed in a child process)', () => {
    const r = spawnSync(process.execPath, ['bin/fringe.js', 'observe', '--seconds', '1', '--fast', '--backend', 'auto', '--db', join(dir, 'auto')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    // Progress and our own notes only: Mesa's and Dawn's messages (XDG_RUNTIME_DIR, Vulkan adapter warnings) stay in the probe.
    const foreign = r.stderr.split(/[\r\n]+/).filter((l) => l.trim() && !/^(observing|note:)/.test(l.trim()) && !/nodedir/.test(l));
    expect(foreign).toEqual([]);
  });

  it('exits 2 with a usage message on a bad option', () => {
    let status = 0, stderr = '';
    try {
      execFileSync(process.execPath, ['bin/fringe.js', 'observe', '--channels', '1000', '--db', join(dir, 'e')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      ({ status, stderr } = err as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/--channels must be a power of two \(got '1000'\)/);
  });
});
