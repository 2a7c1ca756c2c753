/**
 * A Gaussian beam convolved with a uniform disk (the sun, 0.524°–0.542°
 * across: experiments.md): the response of a dish scanned across the sun.
 * All angles in degrees on the sky.
 *
 * The 2-D convolution of a circular Gaussian (σ = FWHM/√(8 ln 2)) with a
 * uniform disk of radius R, at offset ρ from the disk's centre, is
 *   P(ρ) = (1/πR²)·∫₀^R 2πr·exp(−(ρ² + r²)/2σ²)·I₀(ρr/σ²) dr
 * (the angular integral of the Gaussian over a ring of radius r), evaluated
 * here by Gauss–Legendre quadrature with the exponentially scaled I₀. Its peak
 * is P(0) = (2σ²/R²)·(1 − exp(−R²/2σ²)). When the beam is much wider than the
 * disk the profile is a Gaussian with σ² = σ_b² + R²/4.
 */
import { FitError } from './lsq.ts';
import { fitPeak, type PeakFit, type PeakOptions, type PeakShape } from './gaussian.ts';

/** The sun's mean optical diameter (degrees): 1919″ at 1 au (IAU), between the 0.524° of aphelion and the 0.542° of perihelion. */
export const sunDiameterDeg = 0.533;

const fwhmPerSigma = Math.sqrt(8 * Math.LN2);

/** Exponentially scaled modified Bessel function e^(−x)·I₀(x), x ≥ 0 (Abramowitz & Stegun 9.8.1–9.8.2, |ε| < 2×10⁻⁷). */
export function besselI0e(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3.75) {
    const t = (ax / 3.75) ** 2;
    return Math.exp(-ax) * (1 + t * (3.5156229 + t * (3.0899424 + t * (1.2067492 + t * (0.2659732 + t * (0.0360768 + t * 0.0045813))))));
  }
  const t = 3.75 / ax;
  return (
    (0.39894228 + t * (0.01328592 + t * (0.00225319 + t * (-0.00157565 + t * (0.00916281 + t * (-0.02057706 + t * (0.02635537 + t * (-0.01647633 + t * 0.00392377)))))))) /
    Math.sqrt(ax)
  );
}

/** 32-point Gauss–Legendre nodes and weights on [−1, 1] (computed once by Newton's method on P₃₂). */
const legendre = (() => {
  const n = 32, nodes: number[] = [], weights: number[] = [];
  for (let i = 1; i <= n; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = 0;
      for (let k = 1; k <= n; k++) {
        const p2 = p1;
        p1 = p0;
        p0 = ((2 * k - 1) * z * p1 - (k - 1) * p2) / k;
      }
      dp = (n * (z * p0 - p1)) / (z * z - 1);
      const dz = p0 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    nodes.push(z);
    weights.push(2 / ((1 - z * z) * dp * dp));
  }
  return { nodes, weights };
})();

/**
 * The beam ⊗ disk response at offset ρ from the disk's centre (degrees), for a
 * beam of FWHM `beam` and a disk of diameter `disk` (degrees), relative to a
 * point source of the same flux on the beam's axis (so 1 for disk → 0).
 */
export function beamDiskResponse(rho: number, beam: number, disk = sunDiameterDeg): number {
  const s = beam / fwhmPerSigma, R = disk / 2, r0 = Math.abs(rho);
  if (!(s > 0)) throw new FitError(`the beam's FWHM must be > 0 degrees (got ${beam})`);
  if (R === 0) return Math.exp((-r0 * r0) / (2 * s * s));
  // Split [0, R] in panels so the ring integral stays accurate when the beam is much narrower than the disk.
  const panels = Math.max(1, Math.min(64, Math.ceil(R / s)));
  let sum = 0;
  for (let k = 0; k < panels; k++) {
    const a = (k * R) / panels, b = ((k + 1) * R) / panels;
    for (let i = 0; i < legendre.nodes.length; i++) {
      const r = (a + b) / 2 + ((b - a) / 2) * legendre.nodes[i]!;
      const arg = (r0 * r) / (s * s);
      // exp(−(ρ² + r²)/2σ²)·I₀(ρr/σ²) = exp(−(ρ − r)²/2σ²)·e^(−ρr/σ²)·I₀(ρr/σ²)
      sum += ((b - a) / 2) * legendre.weights[i]! * r * Math.exp(-((r0 - r) ** 2) / (2 * s * s)) * besselI0e(arg);
    }
  }
  return (2 * sum) / (R * R);
}

/** Full width at half maximum (degrees) of a beam of FWHM `beam` convolved with a disk of diameter `disk`. */
export function convolvedFwhm(beam: number, disk = sunDiameterDeg): number {
  if (!(beam > 0)) throw new FitError(`the beam's FWHM must be > 0 degrees (got ${beam})`);
  if (!(disk >= 0)) throw new FitError(`the disk's diameter must be ≥ 0 degrees (got ${disk})`);
  const half = beamDiskResponse(0, beam, disk) / 2;
  // The half-power radius lies between max(beam, disk)/2·0.5 and (beam + disk)/2·1.5.
  let lo = 0, hi = beam + disk;
  while (beamDiskResponse(hi, beam, disk) > half) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (beamDiskResponse(mid, beam, disk) > half) lo = mid;
    else hi = mid;
  }
  return lo + hi;
}

/**
 * The beam whose convolution with the disk is narrowest (degrees, both the
 * beam's FWHM and that convolved FWHM). Narrower beams widen again towards
 * the disk's diameter: their peak falls on the disk whole while their half
 * power sits near its edge, where the disk curves away from them.
 */
export function narrowestConvolution(disk = sunDiameterDeg): { beam: number; fwhm: number } {
  let a = 1e-4 * disk, b = 2 * disk;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 80; i++) {
    const c = b - phi * (b - a), d = a + phi * (b - a);
    if (convolvedFwhm(c, disk) < convolvedFwhm(d, disk)) b = d;
    else a = c;
  }
  const beam = (a + b) / 2;
  return { beam, fwhm: convolvedFwhm(beam, disk) };
}

/**
 * The beam's FWHM (degrees) whose convolution with the disk has the measured
 * FWHM (degrees), on the branch where a wider beam gives a wider convolution
 * (beams wider than narrowestConvolution's; below it, widths just under the
 * disk's diameter come from two beams, and the wider one is returned). Throws
 * FitError when no beam gives a width that narrow.
 */
export function deconvolvedFwhm(measured: number, disk = sunDiameterDeg): number {
  const least = narrowestConvolution(disk);
  if (!(measured > least.fwhm)) {
    throw new FitError(
      `a measured width of ${measured.toPrecision(4)}° is narrower than any beam convolved with the ${disk}° disk gives (${least.fwhm.toPrecision(4)}°): check the scan's offsets`,
    );
  }
  let lo = least.beam, hi = Math.max(measured, least.beam);
  while (convolvedFwhm(hi, disk) < measured) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * measured; i++) {
    const mid = (lo + hi) / 2;
    if (convolvedFwhm(mid, disk) < measured) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The beam ⊗ disk profile as a peak shape: width is the beam's FWHM, fwhm the convolution's (degrees). */
export function beamDiskShape(disk = sunDiameterDeg): PeakShape {
  return {
    name: 'beam ⊗ disk',
    value: (u, w) => {
      const beam = Math.abs(w) || 1e-9;
      return beamDiskResponse(u, beam, disk) / beamDiskResponse(0, beam, disk);
    },
    fwhm: (w) => convolvedFwhm(Math.abs(w) || 1e-9, disk),
  };
}

/**
 * A shape averaged over a reading that swept `span` degrees (a drift's
 * integration: the sun moves while it integrates), by Simpson's rule over
 * the span: f + (span²/24)·f'' to leading order, which at a drift's
 * signal-to-noise ratio of 10⁵ is many σ at the peak. The width stays the
 * unswept shape's.
 */
export function smoothedShape(shape: PeakShape, span: number): PeakShape {
  const h = span / 2;
  return { ...shape, name: `${shape.name} over ${span.toPrecision(2)}°`, value: (u, w) => (shape.value(u - h, w) + 4 * shape.value(u, w) + shape.value(u + h, w)) / 6 };
}

export interface BeamDiskFit extends PeakFit {
  /** The beam's FWHM deconvolved from the disk (degrees) with its uncertainty. */
  beam: { value: number; sigma: number };
  /** The disk's diameter assumed (degrees). */
  disk: number;
}

/**
 * Fits power against the offset from the sun (degrees on the sky) with
 * baseline + peak·(beam ⊗ disk)/(its peak): the beam's FWHM directly, the
 * convolved width as `fwhm`. Offsets are signed positions along the scan.
 */
export function fitBeamDisk(offset: ArrayLike<number>, power: ArrayLike<number>, options: PeakOptions & { disk?: number; span?: number } = {}): BeamDiskFit {
  const disk = options.disk ?? sunDiameterDeg;
  const fit = fitPeak(offset, power, options.span ? smoothedShape(beamDiskShape(disk), options.span) : beamDiskShape(disk), options);
  return { ...fit, beam: fit.width, disk };
}
