/**
 * A survey along the Galactic plane: the longitude–velocity diagram of the
 * reduced spectra, and for 0° < l < 90° the tangent-point rotation curve.
 * The terminal velocity of a longitude is the highest velocity where the
 * smoothed spectrum is still above the threshold (stated: max(5σ, 2 K) for
 * kelvin, 5σ for relative spectra); at the tangent point R = R₀ sin l and
 * V = v_t + V₀ sin l (R₀ = 8.5 kpc, V₀ = 220 km/s, the IAU 1985 values).
 * The images are SVG text (no dependency; browsers and viewers open them).
 */
import type { HiSpectrum } from './reduce.ts';

export const r0Kpc = 8.5;
export const v0Kms = 220;
/** The HI gas's velocity dispersion assumed for the terminal-velocity correction (km/s; Malhotra 1995: 7–9). */
export const dispersionKms = 8;

export interface SurveyInput {
  id: number;
  l: number;
  b: number;
  spectrum: HiSpectrum;
}

export interface SurveyPoint {
  id: number;
  l_deg: number;
  terminal_velocity_kms: number;
  terminal_velocity_sigma_kms: number;
  threshold: number;
  r_kpc: number;
  v_kms: number;
  v_sigma_kms: number;
  /** The threshold crossing lies beyond the tangent point by the gas dispersion's wing: σ·√(2 ln(T_tangent/threshold)), σ = √(8² + smoothing²) km/s. */
  dispersion_correction_kms: number;
  /** V with the terminal velocity less that correction. */
  v_corrected_kms: number;
}

export interface Survey {
  unit: 'K' | 'relative' | 'mixed';
  r0_kpc: number;
  v0_kms: number;
  threshold_rule: string;
  points: SurveyPoint[];
  /** Mean of V after the dispersion correction. */
  mean_v_corrected_kms: number | null;
  /** Mean and scatter of V over the points, and whether a flat curve at V₀ fits within it. */
  mean_v_kms: number | null;
  scatter_v_kms: number | null;
  flat: { rms_about_v0_kms: number; within_scatter: boolean } | null;
  /** Longitudes left out of the rotation curve and why. */
  skipped: { id: number; l_deg: number; why: string }[];
}

/** Highest velocity where the smoothed spectrum is at or above `threshold` over ≥ 3 channels, with its uncertainty. */
export function terminalVelocity(s: HiSpectrum, threshold: number): { v: number; sigma: number } | null {
  const y = s.spectrum, v = s.velocity;
  let run = 0;
  for (let i = y.length - 1; i >= 0; i--) {
    const above = y[i] !== null && y[i]! >= threshold;
    run = above ? run + 1 : 0;
    if (run >= 3) {
      const top = i + 2; // the highest channel of the run
      // The crossing between channel top and top+1, interpolated; σ from the slope and the noise, and the channel.
      const a = y[top]!, b = y[top + 1] ?? null;
      let vt = v[top]!;
      let slope = NaN;
      if (b !== null && a > b) {
        vt = v[top]! + ((a - threshold) / (a - b)) * (v[top + 1]! - v[top]!);
        slope = (a - b) / (v[top + 1]! - v[top]!);
      }
      const sigma = Math.hypot(s.channel_kms, Number.isFinite(slope) && slope > 0 ? s.noise / slope : s.smoothing_fwhm_kms);
      return { v: vt, sigma };
    }
  }
  return null;
}

export function buildSurvey(inputs: SurveyInput[]): Survey {
  const units = new Set(inputs.map((i) => i.spectrum.unit));
  const unit = units.size === 1 ? [...units][0]! : 'mixed';
  const points: SurveyPoint[] = [];
  const skipped: Survey['skipped'] = [];
  for (const i of inputs) {
    const l = ((i.l % 360) + 360) % 360;
    if (!(l > 0 && l < 90)) {
      skipped.push({ id: i.id, l_deg: l, why: 'outside 0° < l < 90° (the first quadrant\'s tangent points)' });
      continue;
    }
    if (Math.abs(i.b) > 5) {
      skipped.push({ id: i.id, l_deg: l, why: `b = ${i.b.toFixed(1)}° is off the plane (|b| > 5°)` });
      continue;
    }
    if (i.spectrum.undecided) {
      skipped.push({ id: i.id, l_deg: l, why: `the spectrum cannot decide: ${i.spectrum.undecided}` });
      continue;
    }
    if (i.spectrum.range_cut?.high) {
      skipped.push({ id: i.id, l_deg: l, why: `the emission runs to the band's high-velocity edge (${i.spectrum.velocity_range_kms![1].toFixed(0)} km/s): the terminal velocity may lie beyond the band (tune higher in velocity, lower in frequency)` });
      continue;
    }
    const threshold = i.spectrum.unit === 'K' ? Math.max(5 * i.spectrum.noise, 2) : 5 * i.spectrum.noise;
    const t = terminalVelocity(i.spectrum, threshold);
    if (!t) {
      skipped.push({ id: i.id, l_deg: l, why: `no emission above the threshold ${threshold.toPrecision(3)} ${i.spectrum.unit}` });
      continue;
    }
    const sinl = Math.sin((l * Math.PI) / 180);
    // The brightest emission within 40 km/s below the crossing: the tangent point's, whose wing the threshold meets.
    let tTan = 0;
    i.spectrum.velocity.forEach((v, k) => {
      const y = i.spectrum.spectrum[k];
      if (y !== null && v <= t.v && v >= t.v - 40 && y > tTan) tTan = y;
    });
    const sigmaV = Math.hypot(dispersionKms, i.spectrum.smoothing_fwhm_kms / 2.3548);
    const corr = tTan > threshold ? sigmaV * Math.sqrt(2 * Math.log(tTan / threshold)) : 0;
    points.push({
      id: i.id, l_deg: l, terminal_velocity_kms: round(t.v), terminal_velocity_sigma_kms: round(t.sigma), threshold: round(threshold),
      r_kpc: round(r0Kpc * sinl), v_kms: round(t.v + v0Kms * sinl), v_sigma_kms: round(t.sigma),
      dispersion_correction_kms: round(corr), v_corrected_kms: round(t.v - corr + v0Kms * sinl),
    });
  }
  points.sort((a, b) => a.l_deg - b.l_deg);
  const meanCorrected = points.length ? round(points.reduce((a, p) => a + p.v_corrected_kms, 0) / points.length) : null;
  let mean: number | null = null, scatter: number | null = null, flat: Survey['flat'] = null;
  if (points.length >= 2) {
    mean = points.reduce((s, p) => s + p.v_kms, 0) / points.length;
    scatter = Math.sqrt(points.reduce((s, p) => s + (p.v_kms - mean!) ** 2, 0) / (points.length - 1));
    const rmsV0 = Math.sqrt(points.reduce((s, p) => s + (p.v_kms - v0Kms) ** 2, 0) / points.length);
    // Published curves (Clemens 1985, Sofue 2009) scatter by about ±15 km/s about a flat 220 km/s inside the solar circle.
    flat = { rms_about_v0_kms: round(rmsV0), within_scatter: rmsV0 <= Math.max(20, 2 * scatter) };
    mean = round(mean);
    scatter = round(scatter);
  }
  return {
    unit, r0_kpc: r0Kpc, v0_kms: v0Kms,
    threshold_rule: 'terminal velocity: the highest velocity where the smoothed, baseline-subtracted spectrum is at or above max(5σ, 2 K) (kelvin) or 5σ (relative) over 3 channels, interpolated to the crossing; R = R₀ sin l, V = v_t + V₀ sin l; v_corrected_kms: v_t less σ√(2 ln(T_tangent/threshold)), σ = 8 km/s dispersion with the smoothing',
    points, mean_v_kms: mean, mean_v_corrected_kms: meanCorrected, scatter_v_kms: scatter, flat, skipped,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

const esc = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

/** Viridis-like colour ramp for 0…1. */
function colour(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
  const c = stops[i]!.map((a, k) => Math.round(a + f * (stops[i + 1]![k]! - a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** The l–v diagram as SVG: one column per observation (at its l), velocity up, colour T; the observations marked along the top. */
export function lvDiagramSvg(inputs: SurveyInput[], survey: Survey, vRange: [number, number] = [-200, 200]): string {
  const W = 720, H = 480, L = 60, R = 20, T = 30, B = 50;
  const pw = W - L - R, ph = H - T - B;
  const ls = inputs.map((i) => ((i.l % 360) + 360) % 360);
  const lMin = Math.min(...ls), lMax = Math.max(...ls);
  const span = Math.max(lMax - lMin, 10);
  const spacing = inputs.length > 1 ? Math.min(...ls.slice().sort((a, b) => a - b).map((l, k, s) => (k ? l - s[k - 1]! : Infinity)).filter((d) => d > 0)) : 10;
  const colW = Math.max(2, (pw * Math.min(spacing, span)) / (span + spacing));
  const xOf = (l: number) => L + ((lMax + spacing / 2 - l) / (span + spacing)) * pw; // l decreasing to the right, as l–v diagrams are drawn
  const yOf = (v: number) => T + ((vRange[1] - v) / (vRange[1] - vRange[0])) * ph;
  let tMax = 0;
  for (const i of inputs) for (const y of i.spectrum.spectrum) if (y !== null && y > tMax) tMax = y;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle">Longitude–velocity diagram (${esc(survey.unit === 'mixed' ? 'mixed units' : survey.unit === 'K' ? 'T_B, K' : 'relative')}, max ${tMax.toPrecision(3)}; colour ∝ √T)</text>`);
  inputs.forEach((inp, k) => {
    const x = xOf(ls[k]!) - colW / 2;
    const s = inp.spectrum;
    const step = Math.max(1, Math.floor(s.velocity.length / 400));
    for (let j = 0; j < s.velocity.length; j += step) {
      const v = s.velocity[j]!;
      if (v < vRange[0] || v > vRange[1]) continue;
      let y = 0, n = 0;
      for (let q = j; q < Math.min(j + step, s.velocity.length); q++) if (s.spectrum[q] !== null) { y += s.spectrum[q]!; n++; }
      if (!n) continue;
      const top = yOf(v + (step * s.channel_kms) / 2), hgt = Math.max(0.5, (step * s.channel_kms * ph) / (vRange[1] - vRange[0])) + 0.8;
      out.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${colW.toFixed(1)}" height="${hgt.toFixed(2)}" fill="${colour(tMax > 0 ? Math.sqrt(Math.max(0, y / n / tMax)) : 0)}"/>`);
    }
    out.push(`<path d="M${xOf(ls[k]!).toFixed(1)} ${T - 6} l-4 -6 h8 z" fill="black"><title>observation ${inp.id}: l ${ls[k]!.toFixed(1)}°</title></path>`);
  });
  for (const p of survey.points) out.push(`<circle cx="${xOf(p.l_deg).toFixed(1)}" cy="${yOf(p.terminal_velocity_kms).toFixed(1)}" r="3" fill="none" stroke="red" stroke-width="1.5"/>`);
  out.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`);
  for (let v = Math.ceil(vRange[0] / 50) * 50; v <= vRange[1]; v += 50) out.push(`<text x="${L - 6}" y="${yOf(v) + 4}" text-anchor="end">${v}</text>`);
  for (let l = Math.ceil(lMin / 30) * 30; l <= lMax; l += 30) out.push(`<text x="${xOf(l)}" y="${H - B + 16}" text-anchor="middle">${l}</text>`);
  out.push(`<text x="${L + pw / 2}" y="${H - 12}" text-anchor="middle">galactic longitude l (deg); red circles: terminal velocities</text>`);
  out.push(`<text x="14" y="${T + ph / 2}" transform="rotate(-90 14 ${T + ph / 2})" text-anchor="middle">v_LSR (km/s)</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** The rotation curve as SVG: V(R) with error bars and the flat V₀ curve. */
export function rotationCurveSvg(survey: Survey): string {
  const W = 640, H = 420, L = 60, R = 20, T = 30, B = 50;
  const pw = W - L - R, ph = H - T - B;
  const xOf = (r: number) => L + (r / (r0Kpc + 0.5)) * pw;
  const yOf = (v: number) => T + ((320 - v) / 320) * ph;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle">Rotation curve from HI terminal velocities (R₀ ${r0Kpc} kpc, V₀ ${v0Kms} km/s)</text>`);
  out.push(`<line x1="${xOf(0)}" x2="${xOf(r0Kpc + 0.5)}" y1="${yOf(v0Kms)}" y2="${yOf(v0Kms)}" stroke="grey" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${xOf(0.3)}" y="${yOf(v0Kms) - 6}" fill="grey">flat ${v0Kms} km/s (IAU)</text>`);
  for (const p of survey.points) {
    const x = xOf(p.r_kpc);
    out.push(`<line x1="${x}" x2="${x}" y1="${yOf(p.v_kms - p.v_sigma_kms)}" y2="${yOf(p.v_kms + p.v_sigma_kms)}" stroke="black"/>`);
    out.push(`<circle cx="${x.toFixed(1)}" cy="${yOf(p.v_corrected_kms).toFixed(1)}" r="4" fill="none" stroke="darkorange" stroke-width="1.5"><title>dispersion-corrected: V ${p.v_corrected_kms} km/s</title></circle>`);
    out.push(`<circle cx="${x.toFixed(1)}" cy="${yOf(p.v_kms).toFixed(1)}" r="4" fill="steelblue"><title>l ${p.l_deg}°: R ${p.r_kpc} kpc, V ${p.v_kms} ± ${p.v_sigma_kms} km/s</title></circle>`);
  }
  out.push(`<text x="${W - R - 6}" y="${T + ph - 24}" text-anchor="end" fill="steelblue">● threshold crossing</text>`, `<text x="${W - R - 6}" y="${T + ph - 8}" text-anchor="end" fill="darkorange">○ less the dispersion wing</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`);
  for (let v = 0; v <= 300; v += 50) out.push(`<text x="${L - 6}" y="${yOf(v) + 4}" text-anchor="end">${v}</text>`);
  for (let r = 0; r <= r0Kpc; r += 2) out.push(`<text x="${xOf(r)}" y="${H - B + 16}" text-anchor="middle">${r}</text>`);
  out.push(`<text x="${L + pw / 2}" y="${H - 12}" text-anchor="middle">R (kpc)</text>`);
  out.push(`<text x="14" y="${T + ph / 2}" transform="rotate(-90 14 ${T + ph / 2})" text-anchor="middle">V (km/s)</text>`);
  out.push('</svg>');
  return out.join('\n');
}
