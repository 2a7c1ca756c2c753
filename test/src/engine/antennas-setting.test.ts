import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatcher } from '../../../src/api/dispatch.ts';
import { Session } from '../../../src/engine/session.ts';
import { Station } from '../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-antennas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const three = [
  { name: 'west', east: -5, north: 0, up: 0, dishDiameter: 1.2 },
  { name: 'east', east: 5, north: 0, up: 0 },
  { name: 'north', east: 0, north: 8, up: 0.5 },
];

describe('antenna positions in the station settings', () => {
  it('are set through the API, kept across restarts, shown in the status, and a bad one is refused saying which field', async () => {
    const station = Station.open(join(dir, 'a'));
    const call = dispatcher(station);
    expect(station.status().antennas).toEqual([]);
    expect(await call('station.setAntennas', { antennas: three })).toEqual(three);
    await expect(call('station.setAntennas', { antennas: [{ name: 'x', east: 'far', north: 0, up: 0 }] })).rejects.toThrow(/east must be a number of metres/);
    await expect(call('station.setAntennas', { antennas: [{ name: 'x', east: 2e5, north: 0, up: 0 }] })).rejects.toThrow(/within ±100000/);
    await expect(call('station.setAntennas', { antennas: Array.from({ length: 9 }, () => three[1]) })).rejects.toThrow(/at most 8/);
    await station.close();
    const again = Station.open(join(dir, 'a'));
    expect(again.status().antennas).toEqual(three);
    await again.close();
  });

  it('go into the observation config of a group that is not simulated (a file group), and not of one with another number of inputs', async () => {
    const file = join(dir, 'zeros.cu8');
    writeFileSync(file, new Uint8Array(2 * 65536).fill(128));
    const open = (n: number) =>
      Session.open({
        source: `group:${Array.from({ length: n }, () => `file:${file}`).join(',')}`, tuning: { sampleRate: 2_400_000 }, channels: 64, taps: 4, integration: 0.01,
        backend: 'cpu', threads: 0, pacing: false, calibrate: false, site: { name: 'here', lat: 52, lon: 0, altitude: 0 }, antennas: three,
      });
    const s3 = await open(3);
    expect(s3.observationConfig().antennas).toEqual(three);
    await s3.close();
    const s2 = await open(2);
    expect(s2.observationConfig().antennas).toBeUndefined();
    await s2.close();
  });
});
