/**
 * A plot of the report as SVG: axes with ticks, one colour and marker per
 * series, dashed marks (limits), a legend under the frame. Sized for a page
 * (640 × 300 user units, scaled by CSS); black text on white, colours that
 * stay apart in greyscale print (dark blue, orange, green, purple).
 */
import type { Plot } from './types.ts';

const W = 640, H = 300, L = 64, R = 16, T = 28, B = 52;
const colours = ['#1f3b73', '#d9730d', '#2e7d32', '#6a1b9a', '#b71c1c'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
    return out.length >= 2 ? out : [lo, hi];
  }
  const span = hi - lo || 1;
  const step0 = 10 ** Math.floor(Math.log10(span / 5));
  const step = [1, 2, 5, 10].map((m) => m * step0).find((s) => span / s <= 7)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

const fmt = (v: number) => {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(0);
  return String(Number(v.toPrecision(4)));
};

export function plotSvg(p: Plot): string {
  const xs = p.series.flatMap((s) => s.x).filter((v) => Number.isFinite(v) && (!p.x.log || v > 0));
  const ys = [...p.series.flatMap((s) => s.y), ...(p.marks ?? []).map((m) => m.y)].filter((v) => Number.isFinite(v) && (!p.y.log || v > 0));
  if (!xs.length || !ys.length) return `<p class="noplot">${esc(p.title)}: no data</p>`;
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)], [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (p.x.log) [x0, x1] = [x0 / 1.15, x1 * 1.15]; // points at the ends stay inside the frame
  else if (p.series.every((s) => s.style === 'points')) {
    const pad = (x1 - x0) * 0.04; // so do markers on a linear axis (a line may run to the frame)
    [x0, x1] = [x0 - pad, x1 + pad];
  }
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  if (!p.y.log) {
    const pad = (y1 - y0) * 0.06;
    [y0, y1] = [y0 - pad, y1 + pad];
  }
  const tx = (v: number) => (p.x.log ? Math.log10(v) : v), ty = (v: number) => (p.y.log ? Math.log10(v) : v);
  const X = (v: number) => L + ((tx(v) - tx(x0)) / (tx(x1) - tx(x0) || 1)) * (W - L - R);
  const Y = (v: number) => H - B - ((ty(v) - ty(y0)) / (ty(y1) - ty(y0) || 1)) * (H - T - B);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H + 18 * Math.ceil(p.series.length / 2)}" class="plot" role="img" aria-label="${esc(p.title)}">`];
  out.push(`<text x="${W / 2}" y="16" text-anchor="middle" class="pt">${esc(p.title)}</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#000" stroke-width="0.8"/>`);
  for (const v of ticks(x0, x1, !!p.x.log)) {
    const x = X(v);
    out.push(`<line x1="${x}" y1="${T}" x2="${x}" y2="${H - B}" stroke="#ddd" stroke-width="0.5"/><text x="${x}" y="${H - B + 14}" text-anchor="middle" class="tk">${fmt(v)}</text>`);
  }
  for (const v of ticks(y0, y1, !!p.y.log)) {
    const y = Y(v);
    out.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#ddd" stroke-width="0.5"/><text x="${L - 5}" y="${y + 3.5}" text-anchor="end" class="tk">${fmt(v)}</text>`);
  }
  out.push(`<text x="${(L + W - R) / 2}" y="${H - B + 32}" text-anchor="middle" class="al">${esc(p.x.label)}</text>`);
  out.push(`<text transform="translate(14 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle" class="al">${esc(p.y.label)}</text>`);
  out.push(`<clipPath id="c"><rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}"/></clipPath><g clip-path="url(#c)">`);
  for (const m of p.marks ?? []) {
    const y = Y(m.y);
    out.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#b71c1c" stroke-width="1" stroke-dasharray="5 3"/>`);
    if (m.label) out.push(`<text x="${W - R - 4}" y="${y - 3}" text-anchor="end" class="mk">${esc(m.label)}</text>`);
  }
  p.series.forEach((s, i) => {
    const c = colours[i % colours.length]!;
    const pts = s.x.map((x, k) => [x, s.y[k]!] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!p.x.log || x > 0) && (!p.y.log || y > 0));
    if (s.style === 'points') {
      for (const [x, y] of pts) out.push(i % 2 ? `<rect x="${X(x) - 2.6}" y="${Y(y) - 2.6}" width="5.2" height="5.2" fill="${c}"/>` : `<circle cx="${X(x)}" cy="${Y(y)}" r="3" fill="${c}"/>`);
    } else {
      out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.3"${i % 2 ? ' stroke-dasharray="6 2"' : ''} points="${pts.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ')}"/>`);
    }
  });
  out.push('</g>');
  p.series.forEach((s, i) => {
    const c = colours[i % colours.length]!, x = L + (i % 2) * 290, y = H + 2 + 18 * Math.floor(i / 2);
    out.push(s.style === 'points'
      ? (i % 2 ? `<rect x="${x + 7}" y="${y - 6.6}" width="5.2" height="5.2" fill="${c}"/>` : `<circle cx="${x + 10}" cy="${y - 4}" r="3" fill="${c}"/>`)
      : `<line x1="${x}" y1="${y - 4}" x2="${x + 20}" y2="${y - 4}" stroke="${c}" stroke-width="1.6"${i % 2 ? ' stroke-dasharray="6 2"' : ''}/>`);
    out.push(`<text x="${x + 26}" y="${y}" class="lg">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
