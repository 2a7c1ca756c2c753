/**
 * src/astro/velocity.ts lsrCorrection against an independent computation:
 * astropy's barycentric radial-velocity correction plus its LSRK solar motion
 * (test/helpers/lsr_astropy.py through Debian's /usr/bin/python3), within
 * 0.05 km/s over a grid of times, sites and directions.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lsrCorrection } from '../../../src/astro/velocity.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';

const script = fileURLToPath(new URL('../../helpers/lsr_astropy.py', import.meta.url));
const astropy = () => tools.command('/usr/bin/python3') ?? (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import astropy'], { stdio: 'ignore', timeout: 60_000 });
    return null;
  } catch {
    return 'needs python3 with astropy (install with scripts/install-system-deps.sh)';
  }
})();

const sites = [
  { name: 'Green Bank', lat: 38.4219, lon: -79.8308, altitude: 800 },
  { name: 'Hawkhurst', lat: 51.0466, lon: 0.5097, altitude: 60 },
  { name: 'Honolulu', lat: 21.4274, lon: -157.7947, altitude: 50 },
  { name: 'Pune', lat: 18.5596, lon: 73.8253, altitude: 560 },
  { name: 'Hobart', lat: -42.8, lon: 147.4, altitude: 40 },
];
const times = ['2018-11-05T17:09:42Z', '2019-04-21T11:41:49Z', '2022-01-09T01:32:49Z', '2026-06-21T00:00:00Z', '2026-09-23T13:30:00Z'];
const directions = [
  [0, 0], [83.6, 22.0], [180, -60], [266.4, -28.9], [270.96, 30.0], [299.9, 40.7], [222.7, 78.6], [10, -89], [135, 10],
];

const reason = skipUnless(astropy());
describe.skipIf(reason !== null)(`lsrCorrection against astropy${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('agrees within 0.05 km/s over 5 sites × 5 times × 9 directions', () => {
    const cases = sites.flatMap((s) => times.flatMap((time) => directions.map(([ra, dec]) => ({ lat: s.lat, lon: s.lon, alt: s.altitude, time, ra: ra!, dec: dec! }))));
    const out = JSON.parse(execFileSync('/usr/bin/python3', [script], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 240_000 })) as { corrections: number[] };
    expect(out.corrections).toHaveLength(cases.length);
    let worst = 0;
    const spread = new Set<number>();
    cases.forEach((c, i) => {
      const site = { name: 'test', lat: c.lat, lon: c.lon, altitude: c.alt };
      const ours = lsrCorrection(site, new Date(c.time), c.ra, c.dec);
      worst = Math.max(worst, Math.abs(ours - out.corrections[i]!));
      spread.add(Math.round(out.corrections[i]!));
    });
    // The grid really exercises the correction: it spans tens of km/s, both signs.
    expect(Math.max(...spread) - Math.min(...spread)).toBeGreaterThan(40);
    expect(worst, `worst difference ${worst.toFixed(4)} km/s`).toBeLessThan(0.05);
  }, 300_000);
});
