/**
 * A station site for scheduled drift scans whatever the date the test runs
 * on: on the Greenwich meridian at the latitude where the sun culminates at
 * 60° today (its declination + 30°), so a drift through the beam is high
 * above the ground in every season, and the Galactic plane at l = 30…90° is
 * above 25° at sidereal time 21:00. Written as the data folder's station.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Site } from '../../src/astro/site.ts';
import { sunPosition } from '../../src/astro/sun.ts';

export function sunHighSite(now = new Date()): Site {
  const dec = sunPosition({ name: '', lat: 0, lon: 0, altitude: 0 }, now).dec;
  return { name: 'test site: the sun culminates at 60°', lat: Math.round((dec + 30) * 100) / 100, lon: 0, altitude: 0 };
}

export function writeSite(dir: string, site: Site = sunHighSite()): Site {
  writeFileSync(join(dir, 'station.json'), JSON.stringify({ site }));
  return site;
}
