/**
 * Interferometer geometry: antenna positions (east, north, up in metres) as
 * baselines in the equatorial frame, the phase centre's hour angle and
 * declination of date from the ephemeris (astronomy-engine), and from them
 * (u, v, w), the geometric delay and the fringe rate.
 *
 * Frames and signs follow Thompson, Moran & Swenson (3rd ed.) §4.1: X toward
 * (H = 0, δ = 0), Y toward (H = −6 h, δ = 0), i.e. east, Z toward the north
 * celestial pole; eq. 4.15 for (E, N, U) → (X, Y, Z) at latitude φ; eq. 4.1
 * for (X, Y, Z) → (u, v, w) at hour angle H and declination δ. w is the
 * baseline's projection on the source direction, so the wavefront reaches
 * antenna b a time w/c before antenna a for the baseline b − a: τ_g = w/c.
 */
import { Body, Equator, RotateVector, Rotation_EQJ_EQD, SiderealTime, SphereFromVector, Spherical, VectorFromSphere } from 'astronomy-engine';
import { AstroError, observer, type Site } from './site.ts';
import { speedOfLight } from './velocity.ts';

/** The Earth's rotation rate in hour angle (rad per second of UT): 2π per sidereal day. */
export const earthRotation = 7.292115e-5;

export type Enu = [east: number, north: number, up: number];

/** A phase centre: the sun, a named catalogue source, or J2000 RA (hours) and Dec (degrees). */
export type PhaseCentre = { kind: 'sun' } | { kind: 'source'; name: string } | { kind: 'radec'; ra: number; dec: number };

/** Bright radio sources by their usual names (J2000: RA hours, Dec degrees; NED/3C positions). */
export const catalogue: Record<string, { ra: number; dec: number; names: string[] }> = {
  '3C144': { ra: 5 + 34 / 60 + 31.94 / 3600, dec: 22 + 0 / 60 + 52.2 / 3600, names: ['3c144', 'tau a', 'taurus a', 'crab', 'm1'] },
  '3C461': { ra: 23 + 23 / 60 + 24 / 3600, dec: 58 + 48 / 60 + 54 / 3600, names: ['3c461', 'cas a', 'cassiopeia a'] },
  '3C405': { ra: 19 + 59 / 60 + 28.36 / 3600, dec: 40 + 44 / 60 + 2.1 / 3600, names: ['3c405', 'cyg a', 'cygnus a'] },
  '3C274': { ra: 12 + 30 / 60 + 49.42 / 3600, dec: 12 + 23 / 60 + 28 / 3600, names: ['3c274', 'vir a', 'virgo a', 'm87'] },
};

/** The catalogue entry a name means (case and spaces ignored), or null. */
export function lookupSource(name: string): { name: string; ra: number; dec: number } | null {
  const key = name.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [id, s] of Object.entries(catalogue)) if (id.toLowerCase() === key || s.names.includes(key)) return { name: id, ra: s.ra, dec: s.dec };
  return null;
}

/** (E, N, U) metres → (X, Y, Z) metres at geodetic latitude `lat` (degrees): TMS eq. 4.15. */
export function enuToXyz([e, n, u]: readonly number[], lat: number): [number, number, number] {
  const p = (lat * Math.PI) / 180;
  return [-Math.sin(p) * n! + Math.cos(p) * u!, e!, Math.cos(p) * n! + Math.sin(p) * u!];
}

/** (X, Y, Z) metres → (E, N, U) metres: the inverse of enuToXyz. */
export function xyzToEnu([x, y, z]: readonly number[], lat: number): Enu {
  const p = (lat * Math.PI) / 180;
  return [y!, -Math.sin(p) * x! + Math.cos(p) * z!, Math.cos(p) * x! + Math.sin(p) * z!];
}

/** (u, v, w) in the unit of the baseline, for hour angle `h` and declination `dec` (radians): TMS eq. 4.1. */
export function uvw([x, y, z]: readonly number[], h: number, dec: number): [number, number, number] {
  const sh = Math.sin(h), ch = Math.cos(h), sd = Math.sin(dec), cd = Math.cos(dec);
  return [sh * x! + ch * y!, -sd * ch * x! + sd * sh * y! + cd * z!, cd * ch * x! - cd * sh * y! + sd * z!];
}

/** Hour angle and declination of date (radians) of a phase centre from `site` at `time`. */
export function phaseCentreDirection(centre: PhaseCentre, site: Site, time: Date): { h: number; dec: number } {
  let ra: number, dec: number;
  if (centre.kind === 'sun') {
    const eq = Equator(Body.Sun, time, observer(site), true, true);
    ra = eq.ra;
    dec = eq.dec;
  } else {
    const j2000 = centre.kind === 'radec' ? centre : lookupSource(centre.name);
    if (!j2000) throw new AstroError(`unknown source '${(centre as { name: string }).name}': give --ra H --dec D, or one of ${Object.keys(catalogue).join(', ')} (or their names: ${Object.values(catalogue).map((s) => s.names[1]).join(', ')})`);
    if (!(j2000.ra >= 0 && j2000.ra < 24) || !(j2000.dec >= -90 && j2000.dec <= 90)) throw new AstroError(`RA must be 0…24 hours and Dec −90…90 degrees (got ${j2000.ra}, ${j2000.dec})`);
    // Precessed and nutated to the date: the fringe follows the true hour angle.
    const v = RotateVector(Rotation_EQJ_EQD(time), VectorFromSphere(new Spherical(j2000.dec, j2000.ra * 15, 1), time));
    const s = SphereFromVector(v);
    ra = s.lon / 15;
    dec = s.lat;
  }
  const h = ((SiderealTime(time) + site.lon / 15 - ra) * Math.PI) / 12;
  return { h: Math.atan2(Math.sin(h), Math.cos(h)), dec: (dec * Math.PI) / 180 };
}

export interface BaselineGeometry {
  /** (u, v, w) (metres). */
  uvw: [number, number, number];
  /** Geometric delay w/c (seconds): the wavefront reaches b that much before a, for the baseline b − a. */
  delay: number;
  /** Fringe rate dw/dt / λ (Hz) at `frequency`: −ω_E·u·cos δ / λ. */
  fringeRate: number;
  /** Hour angle (radians) and declination of date (radians) of the phase centre. */
  h: number;
  dec: number;
}

/** The geometry of baseline b − a (ENU metres each) toward `centre` at `time`, at sky frequency `frequency` (Hz). */
export function baselineGeometry(a: readonly number[], b: readonly number[], centre: PhaseCentre, site: Site, time: Date, frequency: number): BaselineGeometry {
  const xyz = enuToXyz([b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!], site.lat);
  const { h, dec } = phaseCentreDirection(centre, site, time);
  const w = uvw(xyz, h, dec);
  return { uvw: w, delay: w[2] / speedOfLight, fringeRate: (-earthRotation * w[0] * Math.cos(dec) * frequency) / speedOfLight, h, dec };
}

/**
 * Fringe stopping: the phase (radians) to add to V_ab so that a point source
 * at the phase centre keeps a constant phase. V_ab = X_a·conj(X_b) of a
 * source in direction ŝ carries e^(−2πi·w/λ), w = (x_b − x_a)·ŝ (b hears the
 * wavefront w/c earlier, its signal is advanced: the simulator's convention,
 * devices/sim/model.ts), so the correction is +2π·w/λ at sky frequency
 * `frequency` (Hz).
 */
export function fringeStopPhase(g: BaselineGeometry, frequency: number): number {
  return (2 * Math.PI * g.uvw[2] * frequency) / speedOfLight;
}
