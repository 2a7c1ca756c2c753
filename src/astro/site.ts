/** An observing site, validated at the boundary (CLI, RPC, store). */
import { Observer } from 'astronomy-engine';

export interface Site {
  name: string;
  /** Geodetic latitude (degrees, north positive). */
  lat: number;
  /** Longitude (degrees, east positive). */
  lon: number;
  /** Height above sea level (metres). */
  altitude: number;
}

export class AstroError extends Error {
  override name = 'AstroError';
}

/** Checks a site and says which field is wrong and why. */
export function validateSite(site: Site): Site {
  const { name, lat, lon, altitude } = site ?? ({} as Site);
  if (typeof name !== 'string' || name.trim() === '') throw new AstroError('site name must be a non-empty string');
  if (typeof lat !== 'number' || !(lat >= -90 && lat <= 90)) throw new AstroError(`site latitude must be from −90 to 90 degrees (got ${lat})`);
  if (typeof lon !== 'number' || !(lon >= -180 && lon <= 360)) throw new AstroError(`site longitude must be from −180 to 360 degrees, east positive (got ${lon})`);
  if (typeof altitude !== 'number' || !(altitude > -500 && altitude < 9000)) {
    throw new AstroError(`site altitude must be in metres above sea level, −500 to 9000 (got ${altitude})`);
  }
  return { name: name.trim(), lat, lon: lon > 180 ? lon - 360 : lon, altitude };
}

export function observer(site: Site): Observer {
  return new Observer(site.lat, site.lon, site.altitude);
}
