/**
 * A direction given as RA/Dec (J2000) or galactic (l, b), in every frame a
 * product needs (the counterpart of pointing.ts's describePointing for az/el):
 * astronomy-engine's J2000 ↔ galactic rotation, and az/el when a site and a
 * time are known.
 */
import { HorizonFromVector, InverseRotation, Rotation_EQJ_GAL, Rotation_EQJ_HOR, RotateVector, SphereFromVector, Spherical, VectorFromSphere, MakeTime } from 'astronomy-engine';
import type { Pointing } from './pointing.ts';
import { observer, type Site } from './site.ts';

const wrap360 = (x: number) => ((x % 360) + 360) % 360;

/** Galactic (l, b) of a J2000 direction (degrees). */
export function equatorialToGalactic(ra: number, dec: number): { l: number; b: number } {
  const v = RotateVector(Rotation_EQJ_GAL(), VectorFromSphere(new Spherical(dec, ra, 1), MakeTime(new Date(0))));
  const s = SphereFromVector(v);
  return { l: wrap360(s.lon), b: s.lat };
}

/** J2000 (RA, Dec) of a galactic direction (degrees). */
export function galacticToEquatorial(l: number, b: number): { ra: number; dec: number } {
  const v = RotateVector(InverseRotation(Rotation_EQJ_GAL()), VectorFromSphere(new Spherical(b, l, 1), MakeTime(new Date(0))));
  const s = SphereFromVector(v);
  return { ra: wrap360(s.lon), dec: s.lat };
}

/** Every frame of a J2000 direction; az/el (no refraction) only when the site and time are known. */
export function describeEquatorial(ra: number, dec: number, site?: Site, time?: Date): Omit<Pointing, 'az' | 'el'> & { az?: number; el?: number } {
  const { l, b } = equatorialToGalactic(ra, dec);
  const out: Omit<Pointing, 'az' | 'el'> & { az?: number; el?: number } = { ra: wrap360(ra), dec, l, b };
  if (site && time) {
    const v = RotateVector(Rotation_EQJ_HOR(time, observer(site)), VectorFromSphere(new Spherical(dec, ra, 1), time));
    const h = HorizonFromVector(v, '');
    out.az = wrap360(h.lon);
    out.el = h.lat;
  }
  return out;
}
