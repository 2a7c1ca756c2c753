/**
 * A group's baselines on the Live page: for each pair of inputs the band
 * coherence of the last spectrum (|Σ V_ab| / √(Σ V_aa · Σ V_bb) over the
 * channels neither input flags, 0…1; src/engine/station.ts bandCoherence)
 * with its phase, and the coherences of the last minutes as a strip chart.
 */
import { useMemo } from 'react';
import type { SpectrumEvent } from '../../api/types.ts';
import { Plot, baselineColors, nightLayout } from '../components/Plot.tsx';
import { baselineLabel, type InputLabel } from '../inputs.ts';
import type { BaselineHistory } from '../station.ts';

const colorOf = (k: number) => baselineColors[k % baselineColors.length]!;

/** Degrees with their sign, one decimal: "+164.3°", "−90.5°". */
function signedDegrees(d: number): string {
  return `${d < 0 ? '−' : '+'}${Math.abs(d).toFixed(1)}°`;
}

export function Baselines(p: { spectrum: SpectrumEvent; history: BaselineHistory; labels: InputLabel[] }) {
  const now = p.spectrum.baselines ?? [];
  const h = p.history;
  const newest = h.time.at(-1);
  const plot = useMemo(() => {
    const x = h.time.map((t) => t * 1000);
    const data = h.pairs.map(({ a, b }, k): Partial<Plotly.PlotData> => ({
      x,
      y: h.coherence[k]!.slice(),
      type: 'scatter',
      mode: 'lines',
      name: baselineLabel(p.labels, a, b),
      line: { color: colorOf(k), width: 1.2 },
      hovertemplate: `${baselineLabel(p.labels, a, b)}<br>%{x|%H:%M:%S} UTC<br>%{y:.3f}<extra></extra>`,
    }));
    const layout = nightLayout({
      margin: { l: 44, r: 8, t: 6, b: 34 },
      // Times of day only: the date line under the ticks would take a fifth of this small plot.
      xaxis: { type: 'date', title: { text: 'Time (UTC)' }, nticks: 4, tickformat: '%H:%M:%S' },
      yaxis: { title: { text: 'Coherence (0–1)' }, range: [0, 1], autorange: false, nticks: 5 },
      uirevision: 'coherence',
    });
    return { data, layout };
    // the history is mutated in place: its newest time says when it changed
  }, [newest, h.pairs, p.labels]);
  const seconds = h.time.length > 1 ? h.time.at(-1)! - h.time[0]! : 0;

  return (
    <div className="panel baselines" data-testid="baselines">
      <div className="panel-head">
        <h2>Baselines</h2>
        <span className="muted small">band coherence · phase</span>
      </div>
      <table className="baseline-table">
        <tbody>
          {now.map(({ a, b, coherence, phase }, k) => (
            <tr key={`${a}-${b}`} data-testid={`baseline-${a}-${b}`}>
              <td>
                <span className="swatch" style={{ background: colorOf(k) }} />
                {baselineLabel(p.labels, a, b)}
              </td>
              <td className="num" data-testid="coherence" title="band coherence: 0 none, 1 a single common source">
                {coherence.toFixed(3)}
              </td>
              <td className="bar-cell" aria-hidden>
                <span className="bar-track">
                  <span className="bar" style={{ width: `${Math.min(1, Math.max(0, coherence)) * 100}%`, background: colorOf(k) }} />
                </span>
              </td>
              <td className="num" data-testid="phase" title="phase of the band-summed cross power (degrees)">
                {signedDegrees(phase)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Plot testId="coherence-plot" className="plot mini" data={plot.data} layout={plot.layout} />
      <div className="muted small">
        Coherence over the last {seconds >= 90 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`} (up to 5 min). The phase moves as the source drifts through the fringes.
      </div>
    </div>
  );
}
