/**
 * The galactic 21 cm line as an antenna sees it: brightness temperature vs
 * LSR velocity along a line of sight, from a flat rotation curve and a smooth
 * HI disk, averaged over the beam.
 *
 * Model (Wilson, Rohlfs & Hüttemeister, Tools of Radio Astronomy, §14; Binney
 * & Merrifield, Galactic Astronomy, §9): circular speed Θ₀ = 220 km/s at all
 * radii, R₀ = 8.5 kpc (IAU 1985). A gas element at distance d toward (l, b) has
 * v_LSR = Θ₀·(R₀/R − 1)·sin l·cos b. Density: Dickey & Lockman (1990, ARA&A
 * 28, 215) vertical profile n(z) = 0.395 e^(−z²/2·90²) + 0.107 e^(−z²/2·225²)
 * + 0.064 e^(−|z|/403) cm⁻³ (z in pc), flat in R from 4 to 11 kpc, falling
 * outside (e-folding 2.5 kpc) and reduced to 30 % inside 4 kpc. Velocity
 * dispersion 8 km/s. Optically thin column N = 1.823e18·∫T_B dv (cm⁻², K
 * km/s), then saturated with spin temperature T_s = 125 K: T_B = T_s(1 − e^(−τ)).
 */

/** Rest frequency of the HI hyperfine line (Hz). */
export const hiRestFrequency = 1_420_405_751.768;
const theta0 = 220; // km/s
const r0 = 8.5; // kpc
const sigmaV = 8; // km/s
const spinTemperature = 125; // K
const columnPerKkms = 1.823e18; // cm⁻² per K km/s
const kpcInCm = 3.0857e21;

/** A brightness-temperature profile on a uniform LSR velocity grid. */
export interface HiProfile {
  /** Velocity of sample 0 (km/s). */
  v0: number;
  /** Grid step (km/s). */
  dv: number;
  /** Brightness temperature (K) at v0 + i·dv. */
  tb: Float64Array;
}

const gridV0 = -350, gridDv = 1, gridN = 701;

function density(rKpc: number, zPc: number): number {
  const az = Math.abs(zPc);
  const nz = 0.395 * Math.exp((-zPc * zPc) / (2 * 90 * 90)) + 0.107 * Math.exp((-zPc * zPc) / (2 * 225 * 225)) + 0.064 * Math.exp(-az / 403);
  const nr = rKpc < 4 ? 0.3 : rKpc <= 11 ? 1 : Math.exp(-(rKpc - 11) / 2.5);
  return nz * nr;
}

/** The LSR velocity (km/s) of gas at distance d (kpc) toward (l, b) (degrees) on the flat rotation curve. */
export function lsrVelocity(l: number, b: number, d: number): number {
  const lr = (l * Math.PI) / 180, br = (b * Math.PI) / 180;
  const dp = d * Math.cos(br);
  const r = Math.sqrt(r0 * r0 + dp * dp - 2 * r0 * dp * Math.cos(lr));
  return theta0 * (r0 / Math.max(r, 0.1) - 1) * Math.sin(lr) * Math.cos(br);
}

/** Brightness temperature profile (K vs LSR km/s) along one line of sight (l, b in degrees). */
export function lineOfSightProfile(l: number, b: number): HiProfile {
  const tau = new Float64Array(gridN);
  const lr = (l * Math.PI) / 180, br = (b * Math.PI) / 180;
  const step = 0.05; // kpc
  const gaussNorm = 1 / (Math.sqrt(2 * Math.PI) * sigmaV);
  const reach = Math.ceil((4 * sigmaV) / gridDv);
  for (let d = step / 2; d < 40; d += step) {
    const dp = d * Math.cos(br);
    const zPc = d * Math.sin(br) * 1000;
    if (Math.abs(zPc) > 3000) break;
    const r = Math.sqrt(r0 * r0 + dp * dp - 2 * r0 * dp * Math.cos(lr));
    if (r > 30) break;
    const n = density(r, zPc);
    if (n < 1e-5) continue;
    // Column of this step converted to ∫T_B dv (K km/s) in the optically thin limit, i.e. τ·T_s·dv.
    const kkms = (n * step * kpcInCm) / columnPerKkms / spinTemperature;
    const v = theta0 * (r0 / Math.max(r, 0.1) - 1) * Math.sin(lr) * Math.cos(br);
    const c = Math.round((v - gridV0) / gridDv);
    for (let i = Math.max(0, c - reach); i <= Math.min(gridN - 1, c + reach); i++) {
      const x = (gridV0 + i * gridDv - v) / sigmaV;
      tau[i] += kkms * gaussNorm * Math.exp(-0.5 * x * x);
    }
  }
  const tb = new Float64Array(gridN);
  for (let i = 0; i < gridN; i++) tb[i] = spinTemperature * (1 - Math.exp(-tau[i]));
  return { v0: gridV0, dv: gridDv, tb };
}

/**
 * The profile averaged over a Gaussian beam of FWHM `fwhm` (degrees) centred
 * on (l, b): the centre and six points on a ring of radius 0.5·FWHM, weighted
 * by the beam (a 7-point cubature, enough for a smooth disk model).
 */
export function beamAveragedProfile(l: number, b: number, fwhm: number): HiProfile {
  const ring = 0.5 * fwhm;
  const wRing = Math.exp(-4 * Math.LN2 * 0.25);
  const out = lineOfSightProfile(l, b);
  const sum = out.tb;
  for (let k = 0; k < 6; k++) {
    const a = (k * Math.PI) / 3;
    const bb = Math.max(-90, Math.min(90, b + ring * Math.sin(a)));
    const ll = l + (ring * Math.cos(a)) / Math.max(Math.cos((b * Math.PI) / 180), 0.1);
    const p = lineOfSightProfile(ll, bb).tb;
    for (let i = 0; i < sum.length; i++) sum[i] += wRing * p[i];
  }
  const norm = 1 / (1 + 6 * wRing);
  for (let i = 0; i < sum.length; i++) sum[i] *= norm;
  return out;
}

/** Linear interpolation of a profile at velocity v (km/s); zero outside the grid. */
export function profileAt(p: HiProfile, v: number): number {
  const x = (v - p.v0) / p.dv;
  const i = Math.floor(x);
  if (i < 0 || i >= p.tb.length - 1) return 0;
  const f = x - i;
  return p.tb[i] * (1 - f) + p.tb[i + 1] * f;
}

/** Radio-convention velocity (km/s) of sky frequency f (Hz) relative to the HI rest frequency. */
export function radioVelocity(f: number): number {
  return (299_792.458 * (hiRestFrequency - f)) / hiRestFrequency;
}
