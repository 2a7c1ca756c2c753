/**
 * The sun's position and transit for a site (astronomy-engine: VSOP87 with
 * aberration and nutation, accurate to well under an arcminute, far finer
 * than any small dish's beam).
 */
import { Body, Equator, Horizon, SearchHourAngle } from 'astronomy-engine';
import { observer, type Site } from './site.ts';

export interface SkyPosition {
  /** Azimuth (degrees from north through east). */
  az: number;
  /** Elevation above the horizon (degrees), without refraction: radio refraction is not the optical one. */
  el: number;
  /** Right ascension of date (hours) and declination of date (degrees). */
  ra: number;
  dec: number;
}

/** Where the sun is seen from `site` at `time`. */
export function sunPosition(site: Site, time: Date): SkyPosition {
  const obs = observer(site);
  const eq = Equator(Body.Sun, time, obs, true, true);
  const hor = Horizon(time, obs, eq.ra, eq.dec);
  return { az: hor.azimuth, el: hor.altitude, ra: eq.ra, dec: eq.dec };
}

export interface Transit {
  /** When the sun crosses the local meridian (hour angle 0). */
  time: Date;
  /** Its elevation then (degrees). */
  el: number;
}

/** The sun's next meridian transit at or after `after`: the moment a drift scan is centred on. */
export function nextSunTransit(site: Site, after: Date): Transit {
  const event = SearchHourAngle(Body.Sun, observer(site), 0, after, 1);
  return { time: event.time.date, el: event.hor.altitude };
}
