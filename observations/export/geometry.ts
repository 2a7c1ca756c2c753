/**
 * Geometry for UVFITS: WGS84 geodetic → ITRF (ECEF), local east/north/up
 * offsets → ECEF, Greenwich mean sidereal time, and baseline → (u, v, w).
 */

/** WGS84 semi-major axis (m) and flattening (NIMA TR8350.2). */
const wgs84A = 6378137.0;
const wgs84F = 1 / 298.257223563;
/** Speed of light (m/s). */
export const speedOfLight = 299792458;

const rad = Math.PI / 180;

/** Geodetic latitude, longitude (degrees, east positive) and height (m) → ITRF x, y, z (m). */
export function geodeticToEcef(latDeg: number, lonDeg: number, height: number): [number, number, number] {
  const lat = latDeg * rad, lon = lonDeg * rad;
  const e2 = wgs84F * (2 - wgs84F);
  const n = wgs84A / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
  return [
    (n + height) * Math.cos(lat) * Math.cos(lon),
    (n + height) * Math.cos(lat) * Math.sin(lon),
    (n * (1 - e2) + height) * Math.sin(lat),
  ];
}

/** Local east/north/up offsets (m) at a site → the same vector in ECEF axes (m). */
export function enuToEcefDelta(latDeg: number, lonDeg: number, e: number, n: number, u: number): [number, number, number] {
  const lat = latDeg * rad, lon = lonDeg * rad;
  const sl = Math.sin(lat), cl = Math.cos(lat), so = Math.sin(lon), co = Math.cos(lon);
  return [-so * e - sl * co * n + cl * co * u, co * e - sl * so * n + cl * so * u, cl * n + sl * u];
}

/** Greenwich mean sidereal time (degrees, 0…360) at a Julian date (UT1 ≈ UTC), IAU 1982 (Meeus eq. 12.4). */
export function gmstDeg(jd: number): number {
  const t = (jd - 2451545.0) / 36525;
  const g = 280.46061837 + 360.98564736629 * (jd - 2451545.0) + 0.000387933 * t * t - (t * t * t) / 38710000;
  return ((g % 360) + 360) % 360;
}

/**
 * Baseline (ECEF, the unit of the input; UVFITS passes ant2 − ant1) → (u, v, w) towards a
 * source at (ra, dec) degrees at Julian date jd (Thompson, Moran & Swenson
 * eq. 4.1 with the Greenwich hour angle). No precession or nutation: the
 * phase centre is taken as of date.
 */
export function uvw(baseline: readonly number[], raDeg: number, decDeg: number, jd: number): [number, number, number] {
  const h = (gmstDeg(jd) - raDeg) * rad;
  const d = decDeg * rad;
  const [x, y, z] = baseline as [number, number, number];
  const sh = Math.sin(h), ch = Math.cos(h), sd = Math.sin(d), cd = Math.cos(d);
  return [
    sh * x + ch * y,
    -sd * ch * x + sd * sh * y + cd * z,
    cd * ch * x - cd * sh * y + sd * z,
  ];
}
