/**
 * The day's solar flux at the observing frequency from what observatories
 * publish (experiments.md, "Sun drift scan"): the RSTN network's noon values
 * at 245, 410, 610, 1415, 2695, 4995, 8800 and 15 400 MHz
 * (https://www.ngdc.noaa.gov/stp/space-weather/solar-data/solar-features/solar-radio/noontime-flux/),
 * or Penticton's F10.7 at 2800 MHz (https://www.spaceweather.gc.ca/forecast-prevision/solar-solaire/solarflux/sx-en.php),
 * interpolated log–log in frequency between the two nearest published
 * frequencies, or extrapolated from the two nearest on one side.
 */
import { FitError } from './lsq.ts';

/** One published value: frequency (MHz) and flux density (sfu). */
export interface PublishedFlux {
  mhz: number;
  sfu: number;
}

/** The flux density (sfu) at `mhz` from published values (at least one; one alone is used as is, with a flat spectrum). */
export function fluxAt(published: readonly PublishedFlux[], mhz: number): { sfu: number; from: PublishedFlux[]; extrapolated: boolean } {
  if (!(mhz > 0)) throw new FitError(`the observing frequency must be > 0 MHz (got ${mhz})`);
  const pts = [...published].sort((a, b) => a.mhz - b.mhz);
  if (pts.length === 0) throw new FitError('enter at least one published flux (MHz and sfu), e.g. RSTN 1415 MHz or Penticton F10.7 at 2800 MHz');
  for (const p of pts) if (!(p.mhz > 0 && p.sfu > 0)) throw new FitError(`a published flux needs a frequency > 0 MHz and a flux > 0 sfu (got ${p.mhz} MHz, ${p.sfu} sfu)`);
  for (let i = 1; i < pts.length; i++) if (pts[i]!.mhz === pts[i - 1]!.mhz) throw new FitError(`two values at ${pts[i]!.mhz} MHz: enter one per frequency`);
  const exact = pts.find((p) => p.mhz === mhz);
  if (exact) return { sfu: exact.sfu, from: [exact], extrapolated: false };
  if (pts.length === 1) return { sfu: pts[0]!.sfu, from: [pts[0]!], extrapolated: true };
  let i = pts.findIndex((p) => p.mhz > mhz);
  const extrapolated = i <= 0;
  if (i < 0) i = pts.length - 1;
  if (i === 0) i = 1;
  const a = pts[i - 1]!, b = pts[i]!;
  const slope = Math.log(b.sfu / a.sfu) / Math.log(b.mhz / a.mhz);
  return { sfu: a.sfu * Math.exp(slope * Math.log(mhz / a.mhz)), from: [a, b], extrapolated };
}
