/**
 * What a dish can be pointed at, and where it is: the sun, the moon, a small
 * catalogue of the bright radio sources amateurs observe, any RA/Dec (J2000),
 * any galactic (l, b), or a fixed az/el. Each is a `Target` that gives its
 * horizontal position (degrees) seen from a site at a time, and the
 * scheduler's start conditions are searched on it: the next meridian
 * transit, the next rise above an elevation, the next time of a local
 * sidereal time. astronomy-engine's rotations; no refraction (see pointing.ts).
 */
import {
  Body, Equator, Horizon, HorizonFromVector, RotateVector, Rotation_EQJ_EQD, Rotation_EQJ_HOR, Rotation_GAL_EQJ, SiderealTime, SphereFromVector, Spherical,
  VectorFromSphere, MakeTime,
} from 'astronomy-engine';
import { AstroError, observer, type Site } from './site.ts';

/** A named source of the catalogue: J2000 position (degrees) and what it is. */
export interface CatalogueSource {
  name: string;
  ra: number;
  dec: number;
  note: string;
}

/**
 * The bright radio sources (positions J2000, rounded to 0.01°: far below a
 * small dish's beam). Cas A, Cyg A, Tau A and Vir A are the classical
 * calibrators; Sgr A the Galactic centre.
 */
export const catalogue: readonly CatalogueSource[] = [
  { name: 'Cas A', ra: 350.85, dec: 58.81, note: 'supernova remnant, ~2700 Jy at 1.4 GHz' },
  { name: 'Cyg A', ra: 299.87, dec: 40.73, note: 'radio galaxy, ~1600 Jy at 1.4 GHz' },
  { name: 'Tau A', ra: 83.63, dec: 22.01, note: 'the Crab nebula, ~900 Jy at 1.4 GHz' },
  { name: 'Vir A', ra: 187.71, dec: 12.39, note: 'M87, ~200 Jy at 1.4 GHz' },
  { name: 'Sgr A', ra: 266.42, dec: -29.01, note: 'the Galactic centre region' },
];

export type TargetSpec =
  | { kind: 'sun' }
  | { kind: 'moon' }
  | { kind: 'radec'; ra: number; dec: number; name?: string }
  | { kind: 'galactic'; l: number; b: number }
  | { kind: 'azel'; az: number; el: number };

export interface Target {
  /** The spec as written (sun, moon, Cas A, radec:RA,DEC, gal:L,B, azel:AZ,EL). */
  readonly text: string;
  readonly spec: TargetSpec;
  /** Whether it moves across the sky (everything but az/el). */
  readonly moves: boolean;
  /** Where it is seen from `site` at `time` (degrees: az from north through east, el). */
  position(site: Site, time: Date): { az: number; el: number };
}

const norm = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');

function numbers(text: string, what: string, n: number): number[] {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== n || parts.some((p) => !Number.isFinite(p) || text.trim() === '')) throw new AstroError(`${what} needs ${n} numbers in degrees separated by a comma (got '${text}')`);
  return parts;
}

/**
 * Reads a target: `sun`, `moon`, a catalogue name (`Cas A`, `casa`, `cyg-a`…),
 * `radec:RA,DEC` (J2000 degrees), `gal:L,B` (degrees), `azel:AZ,EL` (degrees).
 * Throws AstroError saying what is accepted.
 */
export function parseTarget(text: string): Target {
  const t = text.trim();
  const lower = t.toLowerCase();
  let spec: TargetSpec;
  if (lower === 'sun') spec = { kind: 'sun' };
  else if (lower === 'moon') spec = { kind: 'moon' };
  else if (lower.startsWith('radec:')) {
    const [ra, dec] = numbers(t.slice(6), 'radec:RA,DEC', 2) as [number, number];
    if (!(ra >= 0 && ra < 360) || !(dec >= -90 && dec <= 90)) throw new AstroError(`radec: RA must be 0–360° and Dec −90–90° (got ${ra}, ${dec})`);
    spec = { kind: 'radec', ra, dec };
  } else if (lower.startsWith('gal:')) {
    const [l, b] = numbers(t.slice(4), 'gal:L,B', 2) as [number, number];
    if (!(b >= -90 && b <= 90)) throw new AstroError(`gal: b must be −90–90° (got ${b})`);
    spec = { kind: 'galactic', l: ((l % 360) + 360) % 360, b };
  } else if (lower.startsWith('azel:')) {
    const [az, el] = numbers(t.slice(5), 'azel:AZ,EL', 2) as [number, number];
    if (!(el >= -90 && el <= 90)) throw new AstroError(`azel: el must be −90–90° (got ${el})`);
    spec = { kind: 'azel', az: ((az % 360) + 360) % 360, el };
  } else {
    const src = catalogue.find((c) => norm(c.name) === norm(t));
    if (!src) {
      throw new AstroError(`unknown target '${t}': use sun, moon, ${catalogue.map((c) => c.name).join(', ')}, radec:RA,DEC, gal:L,B or azel:AZ,EL (degrees)`);
    }
    spec = { kind: 'radec', ra: src.ra, dec: src.dec, name: src.name };
  }
  return makeTarget(t, spec);
}

function makeTarget(text: string, spec: TargetSpec): Target {
  return { text, spec, moves: spec.kind !== 'azel', position: (site, time) => horizontal(spec, site, time) };
}

/** A J2000 direction (degrees) in horizontal coordinates at `time`. */
function eqjToHorizontal(ra: number, dec: number, site: Site, time: Date): { az: number; el: number } {
  const v = VectorFromSphere(new Spherical(dec, ra, 1), MakeTime(time));
  const hor = HorizonFromVector(RotateVector(Rotation_EQJ_HOR(MakeTime(time), observer(site)), v), '');
  return { az: ((hor.lon % 360) + 360) % 360, el: hor.lat };
}

function horizontal(spec: TargetSpec, site: Site, time: Date): { az: number; el: number } {
  switch (spec.kind) {
    case 'sun':
    case 'moon': {
      const obs = observer(site);
      const eq = Equator(spec.kind === 'sun' ? Body.Sun : Body.Moon, time, obs, true, true);
      const hor = Horizon(time, obs, eq.ra, eq.dec);
      return { az: hor.azimuth, el: hor.altitude };
    }
    case 'radec':
      return eqjToHorizontal(spec.ra, spec.dec, site, time);
    case 'galactic': {
      const eq = SphereFromVector(RotateVector(Rotation_GAL_EQJ(), VectorFromSphere(new Spherical(spec.b, spec.l, 1), MakeTime(time))));
      return eqjToHorizontal(eq.lon, eq.lat, site, time);
    }
    case 'azel':
      return { az: spec.az, el: spec.el };
  }
}

/** Right ascension of date (hours) of a target at `time`; null for az/el. */
function raOfDate(spec: TargetSpec, site: Site, time: Date): number | null {
  if (spec.kind === 'sun' || spec.kind === 'moon') return Equator(spec.kind === 'sun' ? Body.Sun : Body.Moon, time, observer(site), true, true).ra;
  let ra: number, dec: number;
  if (spec.kind === 'radec') [ra, dec] = [spec.ra, spec.dec];
  else if (spec.kind === 'galactic') {
    const eq = SphereFromVector(RotateVector(Rotation_GAL_EQJ(), VectorFromSphere(new Spherical(spec.b, spec.l, 1), MakeTime(time))));
    [ra, dec] = [eq.lon, eq.lat];
  } else return null;
  const eqd = SphereFromVector(RotateVector(Rotation_EQJ_EQD(MakeTime(time)), VectorFromSphere(new Spherical(dec, ra, 1), MakeTime(time))));
  return (((eqd.lon / 15) % 24) + 24) % 24;
}

/** Local apparent sidereal time (hours, 0 … 24) at `site` and `time`. */
export function localSiderealTime(site: Site, time: Date): number {
  return (((SiderealTime(time) + site.lon / 15) % 24) + 24) % 24;
}

/** Wraps hours to (−12, 12]. */
const wrap12 = (h: number) => {
  const x = (((h % 24) + 24) % 24);
  return x > 12 ? x - 24 : x;
};

/**
 * The first time after `after`, within `horizonHours`, that f crosses zero
 * upward (f from negative to non-negative, continuous across the step):
 * stepped every `stepMin` minutes, then bisected to a second.
 */
function nextUpCrossing(f: (ms: number) => number, after: number, horizonHours: number, stepMin: number, jumpLimit = Infinity): number | null {
  const step = stepMin * 60_000;
  let a = after;
  let fa = f(a);
  for (let b = a + step; b <= after + horizonHours * 3_600_000; a = b, b += step) {
    const fb = f(b);
    if (fa < 0 && fb >= 0 && fb - fa < jumpLimit) {
      let lo = a, hi = b;
      while (hi - lo > 1000) {
        const mid = (lo + hi) / 2;
        if (f(mid) < 0) lo = mid;
        else hi = mid;
      }
      return hi;
    }
    fa = fb;
  }
  return null;
}

/** The next meridian transit (hour angle 0) of `target` after `after` (ms), or null for az/el. */
export function nextTransit(target: Target, site: Site, after: number): number | null {
  if (target.spec.kind === 'azel') return null;
  // The hour angle rises by 24 h a sidereal day: a crossing of zero, not its wrap at ±12 h.
  const ha = (ms: number) => wrap12(localSiderealTime(site, new Date(ms)) - raOfDate(target.spec, site, new Date(ms))!);
  return nextUpCrossing(ha, after + 1000, 26, 10, 12);
}

/** The next time after `after` (ms) that `target` rises above `elevation` degrees, within 48 h, or null (it never does then). */
export function nextRise(target: Target, site: Site, after: number, elevation: number): number | null {
  if (target.spec.kind === 'azel') return null;
  return nextUpCrossing((ms) => target.position(site, new Date(ms)).el - elevation, after + 1000, 48, 5);
}

/** The next time after `after` (ms) that the local sidereal time is `lst` hours. */
export function nextLst(site: Site, after: number, lst: number): number {
  const f = (ms: number) => wrap12(localSiderealTime(site, new Date(ms)) - lst);
  return nextUpCrossing(f, after + 1000, 25, 10, 12)!;
}

/** Angle between two horizontal directions (degrees). */
export function separation(a: { az: number; el: number }, b: { az: number; el: number }): number {
  const r = Math.PI / 180;
  const c = Math.sin(a.el * r) * Math.sin(b.el * r) + Math.cos(a.el * r) * Math.cos(b.el * r) * Math.cos((a.az - b.az) * r);
  return Math.acos(Math.min(1, Math.max(-1, c))) / r;
}
