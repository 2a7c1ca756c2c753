import { describe, expect, it } from 'vitest';
import { localSiderealTime } from '../../../../src/astro/targets.ts';
import { importSrtCommands } from '../../../../src/engine/scheduler/srt-import.ts';

const site = { name: 'x', lat: 42.5, lon: -71.5, altitude: 0 };
const now = Date.parse('2026-06-21T00:00:00Z');
const o = { source: 'sim', start: '2026-06-21T01:00:00Z', site, now };

describe('Haystack SRT command files', () => {
  it('a galactic-plane run: each recorded pointing and frequency becomes a job at its time', () => {
    const jobs = importSrtCommands(
      `* HI along the plane
: record plane.rad
: freq 1420.4
: galactic 30 0
:600
: galactic 40 0
: wait 300
:120 azel 180 45
: offset 5 0
:60
: roff
:30
: Sun
`, o);
    expect(jobs).toEqual([
      { mode: 'spectrum', source: 'sim', target: 'gal:30,0', start: '2026-06-21T01:00:00.000Z', duration: 600, frequency: 1_420_400_000 },
      { mode: 'spectrum', source: 'sim', target: 'gal:40,0', start: '2026-06-21T01:10:00.000Z', duration: 300, frequency: 1_420_400_000 },
      { mode: 'spectrum', source: 'sim', target: 'azel:180,45', start: '2026-06-21T01:15:00.000Z', duration: 120, frequency: 1_420_400_000 },
      { mode: 'spectrum', source: 'sim', target: 'azel:185,45', start: '2026-06-21T01:17:00.000Z', duration: 60, frequency: 1_420_400_000 },
    ]);
  });

  it('LST and UT waits, named sources, RA/Dec in hours', () => {
    const jobs = importSrtCommands(`LST:06:00:00
: Cas
: record
:300
: radec 19:59:28 40:44:02
:300
2026:173:12:00:00
: cyg
:60
`, o);
    expect(jobs.map((j) => j.target)).toEqual(['Cas A', expect.stringMatching(/^radec:299\.8666666666\d*,40\.7338888888\d*$/), 'Cyg A']);
    expect(localSiderealTime(site, new Date(jobs[0]!.start))).toBeCloseTo(6, 3);
    expect(jobs[1]!.start).toBe(new Date(Date.parse(jobs[0]!.start) + 300_000).toISOString());
    expect(jobs[2]).toMatchObject({ start: '2026-06-22T12:00:00.000Z', duration: 60 });
  });

  it('refuses what it cannot run, naming the line', () => {
    expect(() => importSrtCommands(': record\n: calibrate\n', o)).toThrow(/line 2 \(': calibrate'\): 'calibrate' is not a command Fringe runs/);
    expect(() => importSrtCommands(': Sun\n: offset 1 0\n', o)).toThrow(/line 2 .*offset from a tracked source is not supported/);
    expect(() => importSrtCommands(': azel 90 40\n:60\n', o)).toThrow(/records nothing/);
  });
});
