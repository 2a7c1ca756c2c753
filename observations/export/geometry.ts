/**
 * Geometry for UVFITS: WGS84 geodetic → ITRF (ECEF), local east/north/up
 * offsets → ECEF, Greenwich mean sidereal time, and baseline → (u, v, w) for
 * a J2000 phase centre (apparent place of date, J2000 axes).
 */
import { BaryState, Body, InverseRotation, MakeTime, RotateVector, Rotation_EQJ_EQD, SiderealTime, Vector } from 'astronomy-engine';

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

type Vec3 = [number, number, number];

const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const unit = (a: readonly number[]): Vec3 => {
  const r = Math.hypot(a[0]!, a[1]!, a[2]!);
  return [a[0]! / r, a[1]! / r, a[2]! / r];
};
const dateOf = (jd: number) => new Date((jd - 2440587.5) * 86400e3);
/** The speed of light in AU per day (astronomy-engine's velocities are AU/day). */
const lightAuPerDay = (speedOfLight * 86400) / 1.495978707e11;

/** J2000 (mean equator and equinox, FK5/ICRS to a few mas) → true equator and equinox of date at `jd` (UTC): precession and nutation. */
function toDate(v: readonly number[], jd: number): Vec3 {
  const r = RotateVector(Rotation_EQJ_EQD(dateOf(jd)), new Vector(v[0]!, v[1]!, v[2]!, MakeTime(dateOf(jd))));
  return [r.x, r.y, r.z];
}

/** True equator and equinox of date → J2000: the inverse of toDate. */
function fromDate(v: readonly number[], jd: number): Vec3 {
  const r = RotateVector(InverseRotation(Rotation_EQJ_EQD(dateOf(jd))), new Vector(v[0]!, v[1]!, v[2]!, MakeTime(dateOf(jd))));
  return [r.x, r.y, r.z];
}

const direction = (raDeg: number, decDeg: number): Vec3 => [Math.cos(decDeg * rad) * Math.cos(raDeg * rad), Math.cos(decDeg * rad) * Math.sin(raDeg * rad), Math.sin(decDeg * rad)];
const radec = (v: readonly number[]): { ra: number; dec: number } => ({ ra: ((Math.atan2(v[1]!, v[0]!) / rad) % 360 + 360) % 360, dec: Math.asin(Math.max(-1, Math.min(1, v[2]!))) / rad });

/**
 * Apparent place (degrees; true equator and equinox of date, geocentric) of a
 * J2000 position at Julian date `jd` (UTC): annual aberration from the Earth's
 * barycentric velocity, then precession and nutation (astronomy-engine).
 */
export function apparentPlace(raDeg: number, decDeg: number, jd: number): { ra: number; dec: number } {
  return radec(apparentDirection(raDeg, decDeg, jd));
}

function apparentDirection(raDeg: number, decDeg: number, jd: number): Vec3 {
  const e = BaryState(Body.Earth, dateOf(jd));
  const p = direction(raDeg, decDeg);
  return toDate(unit([p[0] + e.vx / lightAuPerDay, p[1] + e.vy / lightAuPerDay, p[2] + e.vz / lightAuPerDay]), jd);
}

/** A direction of date (degrees, true equator and equinox at `jd`, e.g. the zenith's) as J2000 (degrees): precession and nutation undone. */
export function j2000Place(raDeg: number, decDeg: number, jd: number): { ra: number; dec: number } {
  return radec(fromDate(direction(raDeg, decDeg), jd));
}

/**
 * The (u, v, w) axes at Julian date `jd` (UTC) for a phase centre given in
 * J2000 (degrees), as unit vectors in ITRF (Earth-fixed) axes: w toward the
 * centre's apparent place of date (aberration, precession, nutation), v
 * toward the J2000 north pole projected on the sky there (so u, v are the
 * J2000 frame's, as AIPS and the Measurement Set keep them: pyuvdata's
 * apparent place plus frame position angle), u = v × w toward J2000 east.
 * Earth rotation by Greenwich apparent sidereal time (UT1 ≈ UTC, no polar
 * motion: below 10⁻⁴ rad).
 */
export function uvwFrame(raDeg: number, decDeg: number, jd: number): { u: Vec3; v: Vec3; w: Vec3 } {
  const w = apparentDirection(raDeg, decDeg, jd);
  const north = toDate([-Math.sin(decDeg * rad) * Math.cos(raDeg * rad), -Math.sin(decDeg * rad) * Math.sin(raDeg * rad), Math.cos(decDeg * rad)], jd);
  const k = dot(north, w);
  const v = unit([north[0] - k * w[0], north[1] - k * w[1], north[2] - k * w[2]]);
  const u: Vec3 = [v[1] * w[2] - v[2] * w[1], v[2] * w[0] - v[0] * w[2], v[0] * w[1] - v[1] * w[0]];
  // Of date → Earth-fixed: a rotation by −GAST about the pole.
  const g = SiderealTime(dateOf(jd)) * 15 * rad;
  const fixed = (x: Vec3): Vec3 => [Math.cos(g) * x[0] + Math.sin(g) * x[1], -Math.sin(g) * x[0] + Math.cos(g) * x[1], x[2]];
  return { u: fixed(u), v: fixed(v), w: fixed(w) };
}

/** Baseline (ITRF axes, any unit; UVFITS passes ant2 − ant1) → (u, v, w) in the same unit on the axes of uvwFrame. */
export function uvw(baseline: readonly number[], frame: { u: Vec3; v: Vec3; w: Vec3 }): Vec3 {
  return [dot(baseline, frame.u), dot(baseline, frame.v), dot(baseline, frame.w)];
}
