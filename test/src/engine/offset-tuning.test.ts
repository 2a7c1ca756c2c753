/**
 * Offset tuning (issue 17): a new live session asked for no centre opens a
 * eighth of the band below the HI line, so the DC spike is off the line and
 * the frequency axis still reads sky frequency (the line is found at its rest
 * frequency plus its velocity); a centre asked for is never moved.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dcOnLine, hiRest, lineFromDc, offsetCentre } from '../../../src/api/tuning.ts';
import { sessionTuning } from '../../../src/engine/offset-tuning.ts';
import { Station } from '../../../src/engine/station.ts';
import { channelFrequencies, findHydrogenLine } from '../../../src/ui/spectrum.ts';
import { spectra } from '../../helpers/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-offset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('offset tuning', () => {
  it('puts the line an eighth of the band above the centre', () => {
    expect(offsetCentre(2.4e6)).toBe(Math.round(hiRest - 300_000));
    expect(offsetCentre(1.024e6)).toBe(Math.round(hiRest - 128_000));
    expect(dcOnLine(1_420_405_752)).toBe(true);
    expect(dcOnLine(offsetCentre(2.4e6))).toBe(false);
    expect(lineFromDc(offsetCentre(2.4e6), 2.4e6)).toBe('HI +300 kHz from DC');
    expect(lineFromDc(1_420_405_752, 2.4e6)).toBe('HI on the DC spike');
    expect(lineFromDc(1_415e6, 2.4e6)).toBeNull();
  });

  it('fills in the centre only where the source would put DC on the line', () => {
    const offset = offsetCentre(2.4e6);
    expect(sessionTuning('sim', undefined, undefined)).toEqual({ centerFrequency: offset });
    expect(sessionTuning('group:sim:0,sim:1', undefined, { gain: 20 })).toEqual({ gain: 20, centerFrequency: offset });
    expect(sessionTuning('rtltcp:127.0.0.1:1234', undefined, undefined)).toEqual({ centerFrequency: offset });
    // the rate asked for sets the offset
    expect(sessionTuning('sim', undefined, { sampleRate: 1.024e6 })).toEqual({ sampleRate: 1.024e6, centerFrequency: offsetCentre(1.024e6) });
    // asked for, kept: even exactly on the line
    expect(sessionTuning('sim', undefined, { centerFrequency: 1_420_405_752 })).toEqual({ centerFrequency: 1_420_405_752 });
    // a recording keeps its own; a scenario tuned elsewhere keeps its tuning
    expect(sessionTuning('file:/x.sigmf-meta', undefined, undefined)).toBeUndefined();
    const scenario = join(dir, 'elsewhere.json');
    writeFileSync(scenario, JSON.stringify({ tuning: { centerFrequency: 1_415_000_000, sampleRate: 2_400_000, gain: 40, ppm: 0 } }));
    expect(sessionTuning('sim', scenario, undefined)).toBeUndefined();
  });

  it('the default live view has its DC spike off the line and the line at its sky frequency', async () => {
    const station = Station.open(join(dir, 'live'));
    try {
      await station.startLive({ backend: 'cpu', threads: 0, pacing: false });
      const live = station.status().live!;
      expect(live.tuning.centerFrequency).toBe(offsetCentre(live.tuning.sampleRate));
      const got = await spectra(station, 16);
      const e = got.at(-1)!;
      expect(e.centerFrequency).toBe(offsetCentre(e.sampleRate));
      const C = e.channels;
      const mean = new Float64Array(C);
      for (const s of got) for (let j = 0; j < C; j++) mean[j]! += s.power[0]![j]! / got.length;
      const line = findHydrogenLine(mean, e.centerFrequency, e.sampleRate, e.sk[0]);
      expect(line).not.toBeNull();
      // The simulated galactic HI (LSR) is within ±100 km/s of rest: the axis reads sky frequency, not an offset one.
      expect(Math.abs(line!.velocity)).toBeLessThan(100);
      // The spike: the centre channel stands over its neighbours; the line is well away from it (the scenario's peak, v_LSR +6 km/s, lies ~400 kHz above it).
      const f = channelFrequencies(e.centerFrequency, e.sampleRate, C);
      const neighbours = (mean[C / 2 - 8]! + mean[C / 2 + 8]!) / 2;
      expect(mean[C / 2]! / neighbours).toBeGreaterThan(1.5);
      expect(Math.abs(line!.frequency - f[C / 2]!)).toBeGreaterThan(150e3);
    } finally {
      await station.close();
    }
  });
});
