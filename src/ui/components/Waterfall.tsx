/**
 * The waterfall: one row per spectrum, newest at the top, on a canvas
 * (plotly redrawing a heatmap of hundreds of rows at several per second
 * cannot keep up). Colours span a few dB about the band's median.
 */
import { useEffect, useRef } from 'react';
import type { SpectrumEvent } from '../../engine/station.ts';
import { formatMHz } from '../spectrum.ts';

/** Rows kept: at 4 spectra/s, about a minute. */
const rows = 240;

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

export function Waterfall(props: { spectrum: SpectrumEvent | null; input?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const state = useRef<{ image: ImageData | null; lo: number; hi: number; width: number; rows: number }>({ image: null, lo: 0, hi: 1, width: 0, rows: 0 });
  const e = props.spectrum;

  useEffect(() => {
    const cv = canvas.current;
    if (!cv || !e) return;
    const power = e.power[props.input ?? 0]!;
    const C = power.length;
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    const s = state.current;
    if (cv.width !== C || cv.height !== rows || !s.image || s.width !== C) {
      cv.width = C;
      cv.height = rows;
      s.image = ctx.createImageData(C, rows);
      s.image.data.fill(0);
      for (let i = 3; i < s.image.data.length; i += 4) s.image.data[i] = 255;
      s.width = C;
      s.rows = 0;
    }
    const db = Array.from(power, (p) => (p > 0 ? 10 * Math.log10(p) : -100));
    // Colours from 1 dB under to 2.5 dB over the band's median: the noise floor mid-dark, the
    // hydrogen line (a few tenths of a dB) a visible band, tones and the DC spike bright.
    const sorted = [...db].sort((a, b) => a - b);
    const median = sorted[Math.floor(C / 2)]!;
    const fresh = s.rows === 0;
    // Ease the scale so a changing gain does not make the picture flicker.
    s.lo = fresh ? median - 1 : 0.95 * s.lo + 0.05 * (median - 1);
    s.hi = fresh ? median + 2.5 : 0.95 * s.hi + 0.05 * (median + 2.5);
    s.rows++;
    const d = s.image.data;
    d.copyWithin(4 * C, 0, 4 * C * (rows - 1));
    for (let j = 0; j < C; j++) {
      const v = Math.max(0, Math.min(255, Math.round(((db[j]! - s.lo) / (s.hi - s.lo)) * 255)));
      d[4 * j] = palette[3 * v]!;
      d[4 * j + 1] = palette[3 * v + 1]!;
      d[4 * j + 2] = palette[3 * v + 2]!;
      d[4 * j + 3] = 255;
    }
    ctx.putImageData(s.image, 0, 0);
  }, [e, props.input]);

  const span = e ? e.sampleRate / 1e6 : 0;
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
            <span>{formatMHz(e.centerFrequency - (e.sampleRate / 2), 3)}</span>
            <span>{formatMHz(e.centerFrequency, 3)}</span>
            <span>{formatMHz(e.centerFrequency + e.sampleRate / 2, 3)}</span>
          </>
        ) : null}
      </div>
      <div className="axis-title">Frequency (MHz) · {span.toFixed(2)} MHz wide · time (s) downward</div>
    </div>
  );
}
