/**
 * Low-precision positions for the simulated sky: the sun, sidereal time,
 * horizontal ↔ equatorial ↔ galactic coordinates, and the observer's velocity
 * relative to the local standard of rest. All angles in degrees, times in ms
 * since the Unix epoch (UTC; ΔT and UT1−UTC ignored, under 0.02°).
 *
 * The sun: the Astronomical Almanac's low-precision formulae (section C,
 * "Low precision formulas for the Sun"), good to 0.01° in position between
 * 1950 and 2050. Sidereal time: Meeus, Astronomical Algorithms (2nd ed.),
 * eq. 12.4 without the T² and T³ terms (< 0.1 s of time this century).
 * Galactic coordinates: the J2000 pole (RA 192.85948°, Dec 27.12825°,
 * l of the celestial pole 122.93192°, Hipparcos vol. 1 §1.5.3); positions of
 * date are used as J2000 (precession ≈ 0.4° by 2030, far inside a 15° beam).
 * No atmospheric refraction (< 0.6° at the horizon).
 */

const rad = Math.PI / 180;
const deg = 180 / Math.PI;

export interface Equatorial {
  /** Right ascension (degrees, 0…360). */
  ra: number;
  /** Declination (degrees). */
  dec: number;
}

export interface Horizontal {
  /** Azimuth (degrees, from north through east, 0…360). */
  az: number;
  /** Elevation above the horizon (degrees). */
  el: number;
}

export interface Site {
  /** Geodetic latitude (degrees, north positive). */
  lat: number;
  /** Longitude (degrees, east positive). */
  lon: number;
}

/** Days since J2000.0 (2000-01-01T12:00 UTC). */
export function daysSinceJ2000(timeMs: number): number {
  return timeMs / 86_400_000 + 2440587.5 - 2451545.0;
}

function wrap360(x: number): number {
  const r = x % 360;
  return r < 0 ? r + 360 : r;
}

export interface SunPosition extends Equatorial {
  /** Apparent ecliptic longitude (degrees). */
  lambda: number;
  /** Obliquity of the ecliptic (degrees). */
  epsilon: number;
  /** Earth–sun distance (AU). */
  distance: number;
}

/** The sun's apparent place (Astronomical Almanac low-precision formulae, ~0.01°). */
export function sunPosition(timeMs: number): SunPosition {
  const n = daysSinceJ2000(timeMs);
  const L = wrap360(280.46 + 0.9856474 * n); // mean longitude
  const g = wrap360(357.528 + 0.9856003 * n) * rad; // mean anomaly
  const lambda = wrap360(L + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g));
  const epsilon = 23.439 - 0.0000004 * n;
  const l = lambda * rad, e = epsilon * rad;
  const ra = wrap360(Math.atan2(Math.cos(e) * Math.sin(l), Math.cos(l)) * deg);
  const dec = Math.asin(Math.sin(e) * Math.sin(l)) * deg;
  const distance = 1.00014 - 0.01671 * Math.cos(g) - 0.00014 * Math.cos(2 * g);
  return { ra, dec, lambda, epsilon, distance };
}

/** Angular diameter of the optical sun (degrees): 1919.26″ at 1 AU (AA), ≈ 0.533°. */
export function sunDiameter(distanceAu: number): number {
  return 0.53313 / distanceAu;
}

/** Local mean sidereal time (degrees). */
export function localSiderealTime(timeMs: number, lon: number): number {
  return wrap360(280.46061837 + 360.98564736629 * daysSinceJ2000(timeMs) + lon);
}

/** Equatorial (of date) to horizontal at a site and time. */
export function equatorialToHorizontal(eq: Equatorial, site: Site, timeMs: number): Horizontal {
  const H = (localSiderealTime(timeMs, site.lon) - eq.ra) * rad;
  const d = eq.dec * rad, p = site.lat * rad;
  const sinEl = Math.sin(p) * Math.sin(d) + Math.cos(p) * Math.cos(d) * Math.cos(H);
  const el = Math.asin(Math.max(-1, Math.min(1, sinEl)));
  // Azimuth from north through east.
  const y = -Math.cos(d) * Math.sin(H);
  const x = Math.sin(d) * Math.cos(p) - Math.cos(d) * Math.cos(H) * Math.sin(p);
  return { az: wrap360(Math.atan2(y, x) * deg), el: el * deg };
}

/** Horizontal to equatorial (of date) at a site and time. */
export function horizontalToEquatorial(h: Horizontal, site: Site, timeMs: number): Equatorial {
  const A = h.az * rad, E = h.el * rad, p = site.lat * rad;
  const sinDec = Math.sin(E) * Math.sin(p) + Math.cos(E) * Math.cos(p) * Math.cos(A);
  const dec = Math.asin(Math.max(-1, Math.min(1, sinDec)));
  const y = -Math.sin(A) * Math.cos(E);
  const x = Math.sin(E) * Math.cos(p) - Math.cos(E) * Math.sin(p) * Math.cos(A);
  const H = Math.atan2(y, x) * deg;
  return { ra: wrap360(localSiderealTime(timeMs, site.lon) - H), dec: dec * deg };
}

const ngpRa = 192.85948 * rad;
const ngpDec = 27.12825 * rad;
const lNcp = 122.93192;

/** Equatorial (J2000) to galactic longitude and latitude (degrees). */
export function equatorialToGalactic(eq: Equatorial): { l: number; b: number } {
  const a = eq.ra * rad, d = eq.dec * rad;
  const sinB = Math.sin(d) * Math.sin(ngpDec) + Math.cos(d) * Math.cos(ngpDec) * Math.cos(a - ngpRa);
  const b = Math.asin(Math.max(-1, Math.min(1, sinB)));
  const y = Math.cos(d) * Math.sin(a - ngpRa);
  const x = Math.sin(d) * Math.cos(ngpDec) - Math.cos(d) * Math.sin(ngpDec) * Math.cos(a - ngpRa);
  return { l: wrap360(lNcp - Math.atan2(y, x) * deg), b: b * deg };
}

/** Unit vector (east, north, up) toward a horizontal direction. */
export function enuVector(h: Horizontal): [number, number, number] {
  const A = h.az * rad, E = h.el * rad;
  return [Math.cos(E) * Math.sin(A), Math.cos(E) * Math.cos(A), Math.sin(E)];
}

/** Great-circle angle between two horizontal directions (degrees). */
export function angularSeparation(a: Horizontal, b: Horizontal): number {
  const u = enuVector(a), v = enuVector(b);
  // atan2 of |u×v| and u·v stays accurate for tiny angles, unlike acos.
  const cx = u[1] * v[2] - u[2] * v[1];
  const cy = u[2] * v[0] - u[0] * v[2];
  const cz = u[0] * v[1] - u[1] * v[0];
  return Math.atan2(Math.hypot(cx, cy, cz), u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) * deg;
}

function equatorialVector(eq: Equatorial): [number, number, number] {
  const a = eq.ra * rad, d = eq.dec * rad;
  return [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
}

/** Mean orbital speed of the Earth (km/s). */
const earthOrbitalSpeed = 29.78;
/**
 * Standard solar motion relative to the LSR: 20 km/s toward RA 18h, Dec +30°
 * (B1900; the radio astronomers' "standard" LSR, used by most HI surveys).
 */
const solarMotion = { speed: 20, apex: { ra: 270, dec: 30 } };

/**
 * The observer's velocity relative to the LSR projected on the direction
 * `eq` (km/s, positive when the observer moves toward the source): the
 * Earth's orbital motion (circular orbit, from the sun's ecliptic longitude)
 * plus the standard solar motion. A source at LSR velocity v appears at the
 * topocentric velocity v − (this value). Earth rotation (≤ 0.47 km/s) is ignored.
 */
export function observerLsrVelocity(eq: Equatorial, timeMs: number): number {
  const sun = sunPosition(timeMs);
  const s = equatorialVector(eq);
  // The Earth moves toward ecliptic longitude λ_sun − 90°, in the ecliptic plane.
  const lv = (sun.lambda - 90) * rad, e = sun.epsilon * rad;
  const ve: [number, number, number] = [Math.cos(lv), Math.sin(lv) * Math.cos(e), Math.sin(lv) * Math.sin(e)];
  const apex = equatorialVector(solarMotion.apex);
  let v = 0;
  for (let i = 0; i < 3; i++) v += (earthOrbitalSpeed * ve[i] + solarMotion.speed * apex[i]) * s[i];
  return v;
}
