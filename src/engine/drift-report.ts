/**
 * The sun-drift measurement as a report a person keeps: an HTML page with
 * the numbers and, per cut, the power against the sun's offset with the fit
 * and its residuals (inline SVG, no script, so it prints and opens
 * anywhere), a CSV of every point with the model and residual, and a PDF of
 * the page printed by headless Chromium (playwright-core).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitCut, type CutData, type DriftResult } from '../analysis/drift.ts';
import type { DriftRunResult } from '../api/types.ts';

export interface ReportInput {
  observation: number;
  /** When it was observed (ISO UTC), for the title. */
  when: string;
  cuts: readonly CutData[];
  result: DriftResult;
  /** Extra lines (calibration, radiometer check, pointing correction), as label → text. */
  extra?: Record<string, string>;
  disk?: number;
}

/** The live run's extra lines for the report: calibration, radiometer check, pointing correction. */
export function runExtras(r: DriftRunResult): Record<string, string> {
  return {
    Calibration: `${r.calibration.method}, taken ${r.calibration.taken}: T_sys ${r.calibration.tsys_k.toFixed(1)} ± ${r.calibration.tsys_k_sigma.toFixed(1)} K`,
    ...(r.radiometer ? { 'Radiometer check (off-sun scatter / T_sys/√(Bτ))': `${r.radiometer.ratio.value.toFixed(2)} ± ${r.radiometer.ratio.sigma.toFixed(2)}` } : {}),
    ...(r.pointing_correction ? { 'Pointing correction (add to commanded az, el)': `${r.pointing_correction.az.toFixed(3)}°, ${r.pointing_correction.el.toFixed(3)}°` } : {}),
  };
}

/** One cut's points (sorted by offset on the sky, degrees), the fitted model there (null where the fit failed) and whether each is in the fit window. */
export interface Series {
  axis: string;
  x: number[];
  y: number[];
  model: (number | null)[];
  used: boolean[];
}

/** Every cut's points with the fitted model (null where the fit failed). */
export function reportSeries(input: ReportInput): Series[] {
  return input.cuts.map((cut) => {
    const f = fitCut(cut, { unit: input.result.unit, disk: input.disk });
    const order = cut.sky.map((_, i) => i).sort((a, b) => cut.sky[a]! - cut.sky[b]!);
    const x = order.map((i) => cut.sky[i]!), y = order.map((i) => cut.power[i]!);
    const lo = f.centre_sky_deg !== null && f.fwhm_deg !== null ? f.centre_sky_deg - 2 * f.fwhm_deg : -Infinity;
    const hi = f.centre_sky_deg !== null && f.fwhm_deg !== null ? f.centre_sky_deg + 2 * f.fwhm_deg : Infinity;
    return { axis: cut.axis, x, y, model: x.map((v) => (f.fit ? f.fit.model(v) : null)), used: x.map((v) => v >= lo && v <= hi) };
  });
}

/** The CSV of the fit: one row per point of every cut. */
export function reportCsv(input: ReportInput, series = reportSeries(input)): string {
  const unit = input.result.unit === 'K' ? 'k' : 'relative';
  const rows = [`axis,sky_offset_deg,power_${unit},model_${unit},residual_${unit},in_fit_window`];
  for (const s of series) {
    s.x.forEach((x, i) => {
      const m = s.model[i];
      rows.push([s.axis, x.toFixed(5), s.y[i]!.toPrecision(8), m === null ? '' : m!.toPrecision(8), m === null ? '' : (s.y[i]! - m!).toPrecision(6), s.used[i] ? 1 : 0].join(','));
    });
  }
  return rows.join('\n') + '\n';
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** An SVG plot of one cut: the points, the fit, and the residuals below (units of the data). */
export function cutSvg(s: Series, unit: string): string {
  const W = 640, H = 300, R = 110, L = 70, B = 30, T = 10;
  const finite = (v: number[]) => v.filter(Number.isFinite);
  const xs = finite(s.x), ys = finite(s.y);
  if (xs.length === 0) return '';
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const res = s.model.map((m, i) => (m === null ? NaN : s.y[i]! - m));
  const rr = finite(res.filter((_, i) => s.used[i]));
  const rmax = rr.length ? Math.max(...rr.map(Math.abs)) || 1 : 1;
  const px = (x: number) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - 10);
  const py = (y: number) => T + (1 - (y - y0) / (y1 - y0 || 1)) * (H - T - B);
  const pr = (r: number) => H + 20 + (1 - (r + rmax) / (2 * rmax)) * (R - 30);
  const dots = s.x.map((x, i) => `<circle cx="${px(x).toFixed(1)}" cy="${py(s.y[i]!).toFixed(1)}" r="2" fill="${s.used[i] ? '#1f5fa8' : '#9bb'}"/>`).join('');
  const line = s.model.some((m) => m !== null) ? `<polyline fill="none" stroke="#c0392b" stroke-width="1.5" points="${s.x.map((x, i) => (s.model[i] === null ? '' : `${px(x).toFixed(1)},${py(s.model[i]!).toFixed(1)}`)).join(' ')}"/>` : '';
  const rdots = res.map((r, i) => (Number.isFinite(r) && s.used[i] ? `<circle cx="${px(s.x[i]!).toFixed(1)}" cy="${pr(r).toFixed(1)}" r="1.8" fill="#555"/>` : '')).join('');
  const tick = (v: number) => (Math.abs(v) >= 1000 ? v.toExponential(2) : v.toPrecision(4));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + R + 20}" role="img" aria-label="${esc(s.axis)} cut: power against offset, fit and residuals" font-family="sans-serif" font-size="11">
<rect x="${L}" y="${T}" width="${W - L - 10}" height="${H - T - B}" fill="none" stroke="#999"/>
<text x="${L}" y="${H - 8}">${tick(x0)}°</text><text x="${W - 60}" y="${H - 8}">${tick(x1)}°</text><text x="${W / 2 - 60}" y="${H - 8}">offset from the sun (° on the sky)</text>
<text x="4" y="${T + 10}">${tick(y1)}</text><text x="4" y="${H - B}">${tick(y0)}</text><text x="4" y="${H / 2}">${esc(unit)}</text>
${dots}${line}
<rect x="${L}" y="${H + 20}" width="${W - L - 10}" height="${R - 30}" fill="none" stroke="#999"/>
<line x1="${L}" x2="${W - 10}" y1="${pr(0)}" y2="${pr(0)}" stroke="#c0392b" stroke-dasharray="3 3"/>
<text x="4" y="${H + 30}">±${tick(rmax)}</text><text x="4" y="${H + 45}">residual</text>
${rdots}
</svg>`;
}

const fmt = (v: number | null, s: number | null, unit: string, digits = 3) => (v === null ? '—' : `${v.toFixed(digits)}${s !== null ? ` ± ${s.toFixed(digits)}` : ''} ${unit}`);

/** The HTML report. */
export function reportHtml(input: ReportInput, series = reportSeries(input)): string {
  const r = input.result;
  const unit = r.unit === 'K' ? 'K' : 'relative';
  const rows: [string, string][] = [
    ['Beam (HPBW, deconvolved from the disk)', fmt(r.hpbw_deg, r.hpbw_deg_sigma, '°')],
    ['Pointing offset, azimuth (on the sky)', fmt(r.pointing_offset_deg.az, r.pointing_offset_deg_sigma.az, '°')],
    ['Pointing offset, elevation', fmt(r.pointing_offset_deg.el, r.pointing_offset_deg_sigma.el, '°')],
    ['System temperature', fmt(r.tsys_k, r.tsys_k_sigma, 'K', 1)],
    ["Sun's antenna temperature", fmt(r.sun_antenna_temp_k, r.sun_antenna_temp_k_sigma, 'K', 1)],
    ["Sun's flux density (measured)", fmt(r.sun_flux_sfu, r.sun_flux_sfu_sigma, 'sfu', 1)],
    ["Sun's flux density (entered)", r.expected_flux_sfu === null ? '—' : `${r.expected_flux_sfu} sfu`],
    ['Brightness temperature of the disk', r.sun_brightness_temp_k === null ? '—' : `${r.sun_brightness_temp_k.toExponential(3)} K`],
    ...Object.entries(input.extra ?? {}),
  ];
  const cuts = r.cuts.map((c, i) => `<h2>Cut: ${esc(c.axis)}</h2>
<p>${c.error ? `Not fitted: ${esc(c.error)}` : `FWHM on the sky ${fmt(c.fwhm_deg, c.fwhm_deg_sigma, '°')}, centre ${fmt(c.centre_deg, c.centre_deg_sigma, '°')} (the scan's own coordinate), peak ${fmt(c.peak, c.peak_sigma, unit, 2)}, baseline ${fmt(c.baseline, c.baseline_sigma, unit, 2)}; ${c.points} points fitted, ${c.rejected} rejected, ${c.outside} outside the fit window.`}</p>
${series[i] ? cutSvg(series[i]!, unit) : ''}`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sun drift, observation ${input.observation}</title>
<style>body{font-family:sans-serif;max-width:48em;margin:2em auto;color:#222}table{border-collapse:collapse}td{padding:.2em .8em;border-bottom:1px solid #ddd}h2{margin-top:1.5em;font-size:1.1em}svg{max-width:100%;height:auto;page-break-inside:avoid}</style>
</head><body>
<h1>Sun drift — observation ${input.observation}</h1>
<p>Observed ${esc(input.when)}. Each cut is fitted with a linear baseline plus peak × (Gaussian beam ⊗ the sun's ${(input.disk ?? 0.533).toFixed(3)}° disk) against the sun's offset from the pointing; blue points are inside the fit window (two half-power widths of the peak), the red line is the fit, the residuals are below. Power in ${r.unit === 'K' ? 'kelvin' : 'relative units (not calibrated)'}.</p>
<table>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>
${r.verdict.length ? `<h2>What the data cannot decide</h2><ul>${r.verdict.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>` : ''}
${cuts}
</body></html>
`;
}

/** Prints HTML to a PDF with headless Chromium; resolves to null when no Chromium could be started (with the reason). */
export async function printPdf(html: string, file: string, executablePath = process.env.FRINGE_CHROMIUM ?? '/usr/bin/chromium'): Promise<string | null> {
  if (!existsSync(executablePath)) return `no Chromium at ${executablePath} (set FRINGE_CHROMIUM): the PDF was not written`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({ path: file, format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
    return null;
  } finally {
    await browser.close();
  }
}

/** Writes drift-ID.html, drift-ID.csv and drift-ID.pdf into `dir`; returns the paths written and any notice (no PDF). */
export async function writeDriftReport(dir: string, input: ReportInput): Promise<{ files: string[]; notice: string | null }> {
  mkdirSync(dir, { recursive: true });
  const series = reportSeries(input);
  const base = join(dir, `drift-${input.observation}`);
  const html = reportHtml(input, series);
  writeFileSync(`${base}.html`, html);
  writeFileSync(`${base}.csv`, reportCsv(input, series));
  const notice = await printPdf(html, `${base}.pdf`);
  return { files: [`${base}.html`, `${base}.csv`, ...(notice ? [] : [`${base}.pdf`])], notice };
}
