/**
 * The waterfall: one row per spectrum, newest at the top, on a canvas
 * (plotly redrawing a heatmap of hundreds of rows at several per second
 * cannot keep up). Colours span a few dB about the band's median. The rows
 * live in the station's history (one list per input of a group), so the
 * picture survives a visit to another page; another list is painted afresh.
 */
import { useEffect, useRef } from 'react';
import type { SpectrumEvent } from '../../api/types.ts';
import { formatMHz } from '../spectrum.ts';
import { waterfallRows as rows } from '../station.ts';

/** A perceptual dark-to-bright ramp (inferno-like), 256 RGB entries. */
const palette = (() => {
  const stops = [
    [0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164],
  ];
  const out = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(x));
    const t = x - k;
    for (let ch = 0; ch < 3; ch++) out[i * 3 + ch] = stops[k]![ch]! * (1 - t) + stops[k + 1]![ch]! * t;
  }
  return out;
})();

const toDb = (p: number) => (p > 0 ? 10 * Math.log10(p) : -100);

/** Colours from 1 dB under to 2.5 dB over the median: the noise floor mid-dark, the hydrogen line (a few tenths of a dB) a visible band, tones and the DC spike bright. */
function scaleOf(power: Float32Array): { lo: number; hi: number } {
  const sorted = Array.from(power, toDb).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { lo: median - 1, hi: median + 2.5 };
}

function paintRow(d: Uint8ClampedArray, row: number, power: Float32Array, lo: number, hi: number): void {
  const C = power.length;
  for (let j = 0; j < C; j++) {
    const v = Math.max(0, Math.min(255, Math.round(((toDb(power[j]!) - lo) / (hi - lo)) * 255)));
    const o = 4 * (row * C + j);
    d[o] = palette[3 * v]!;
    d[o + 1] = palette[3 * v + 1]!;
    d[o + 2] = palette[3 * v + 2]!;
    d[o + 3] = 255;
  }
}

export function Waterfall(props: { spectrum: SpectrumEvent | null; rows: Float32Array[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const state = useRef<{ image: ImageData | null; lo: number; hi: number; last: Float32Array | null; rows: Float32Array[] | null }>({ image: null, lo: 0, hi: 1, last: null, rows: null });
  const e = props.spectrum;

  useEffect(() => {
    const cv = canvas.current;
    const newest = props.rows.at(-1);
    if (!cv || !newest) return;
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    const C = newest.length;
    const s = state.current;
    const target = scaleOf(newest);
    if (!s.image || s.image.width !== C || s.rows !== props.rows) {
      // First paint (or a new channel count, or another input's rows): draw every row kept, newest at the top.
      cv.width = C;
      cv.height = rows;
      s.image = ctx.createImageData(C, rows);
      for (let i = 3; i < s.image.data.length; i += 4) s.image.data[i] = 255;
      ({ lo: s.lo, hi: s.hi } = target);
      props.rows.forEach((r, k) => r.length === C && paintRow(s.image!.data, props.rows.length - 1 - k, r, s.lo, s.hi));
    } else if (s.last !== newest) {
      // Ease the scale so a retune or a gain change does not make the picture flicker.
      s.lo = 0.95 * s.lo + 0.05 * target.lo;
      s.hi = 0.95 * s.hi + 0.05 * target.hi;
      s.image.data.copyWithin(4 * C, 0, 4 * C * (rows - 1));
      paintRow(s.image.data, 0, newest, s.lo, s.hi);
    }
    s.last = newest;
    s.rows = props.rows;
    ctx.putImageData(s.image, 0, 0);
  }, [e, props.rows]);

  const seconds = e ? Math.round((rows * e.spectra * e.channels) / e.sampleRate) : 0;
  return (
    <div className="waterfall">
      <div className="waterfall-body">
        <div className="waterfall-time" aria-hidden>
          <span>now</span>
          <span>−{Math.round(seconds / 2)} s</span>
          <span>−{seconds} s</span>
        </div>
        <canvas ref={canvas} data-testid="waterfall" aria-label="waterfall: power per channel over time, newest row at the top" />
        <div className="waterfall-scale" title="colour scale">
          <span>{state.current.hi.toFixed(1)} dB</span>
          <span className="waterfall-ramp" />
          <span>{state.current.lo.toFixed(1)} dB</span>
        </div>
      </div>
      <div className="waterfall-axis">
        {e ? (
          <>
            <span>{formatMHz(e.centerFrequency - e.sampleRate / 2, 3)}</span>
            <span>{formatMHz(e.centerFrequency, 3)}</span>
            <span>{formatMHz(e.centerFrequency + e.sampleRate / 2, 3)}</span>
          </>
        ) : null}
      </div>
      <div className="axis-title">Frequency (MHz) · {e ? (e.sampleRate / 1e6).toFixed(2) : '—'} MHz wide · time downward</div>
    </div>
  );
}
