/**
 * A station for scheduled drift scans whatever the date a test runs on:
 *
 * - its site on the Greenwich meridian at the latitude where the sun
 *   culminates at 60° today (its declination + 30°), so a drift through the
 *   beam is high above the ground in every season, and the Galactic plane at
 *   l = 30…90° is above 25° at sidereal time 21:00;
 * - its simulator scenario the built-in sun-drift with a 2 m dish (a 7.3°
 *   beam at 1420 MHz): in December the sun is 17° from the Galactic centre,
 *   which a 1 m dish's 15° beam takes in (a second peak the drift fit rightly
 *   refuses); a 3 m dish's beam at high signal to noise is not the Gaussian
 *   the fit assumes (its residuals refused too). A 1 h drift with the 2 m
 *   dish measured 7.29–7.30° (7.26° simulated) in March, June and December.
 *
 * Written as the data folder's station.json (and the scenario beside it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Site } from '../../src/astro/site.ts';
import { sunPosition } from '../../src/astro/sun.ts';

export const driftDish = 2;

export function sunHighSite(now = new Date()): Site {
  const dec = sunPosition({ name: '', lat: 0, lon: 0, altitude: 0 }, now).dec;
  return { name: 'test site: the sun culminates at 60°', lat: Math.round((dec + 30) * 100) / 100, lon: 0, altitude: 0 };
}

export function writeSite(dir: string, site: Site = sunHighSite()): Site {
  const base = JSON.parse(readFileSync(new URL('../../devices/sim/scenarios/sun-drift.json', import.meta.url), 'utf8')) as { antennas: { diameter: number }[] };
  const scenario = join(dir, `sun-drift-${driftDish}m.json`);
  writeFileSync(scenario, JSON.stringify({ ...base, antennas: base.antennas.map((a) => ({ ...a, diameter: driftDish })) }));
  writeFileSync(join(dir, 'station.json'), JSON.stringify({ site, scenario }));
  return site;
}

/** A site where the sun stands high now, for a real dongle's drift on the wall clock: under the sun, to 10° of longitude. */
export function underTheSun(now = new Date()): Site {
  const dec = sunPosition({ name: '', lat: 0, lon: 0, altitude: 0 }, now).dec;
  let best: Site = { name: 'under the sun', lat: Math.round(dec), lon: 0, altitude: 0 };
  for (let lon = -180; lon < 180; lon += 10) {
    const site = { ...best, lon };
    if (sunPosition(site, now).el > sunPosition(best, now).el) best = site;
  }
  return best;
}
