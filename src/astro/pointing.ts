/**
 * Where a dish points, in every frame a product needs: horizontal (what the
 * rotator reports), equatorial J2000 (what catalogues, FITS and UVFITS use)
 * and galactic (what a hydrogen survey is placed by). astronomy-engine's
 * rotation matrices: precession, nutation and the Earth's rotation; no
 * refraction (radio refraction is not the optical one, and below a small
 * dish's beam at the elevations it observes).
 */
import { Rotation_EQJ_GAL, Rotation_HOR_EQJ, RotateVector, SphereFromVector, Spherical, VectorFromHorizon } from 'astronomy-engine';
import { observer, type Site } from './site.ts';

export interface Pointing {
  /** Azimuth (degrees from north through east, 0 … 360). */
  az: number;
  /** Elevation (degrees). */
  el: number;
  /** Right ascension, J2000 (degrees, 0 … 360). */
  ra: number;
  /** Declination, J2000 (degrees). */
  dec: number;
  /** Galactic longitude (degrees, 0 … 360). */
  l: number;
  /** Galactic latitude (degrees). */
  b: number;
}

const wrap360 = (x: number) => ((x % 360) + 360) % 360;

/** The direction (az, el) seen from `site` at `time`, in every frame. */
export function describePointing(site: Site, az: number, el: number, time: Date): Pointing {
  const hor = VectorFromHorizon(new Spherical(el, az, 1), time, '');
  const eqj = RotateVector(Rotation_HOR_EQJ(time, observer(site)), hor);
  const eq = SphereFromVector(eqj);
  const gal = SphereFromVector(RotateVector(Rotation_EQJ_GAL(), eqj));
  return { az: wrap360(az), el, ra: wrap360(eq.lon), dec: eq.lat, l: wrap360(gal.lon), b: gal.lat };
}
