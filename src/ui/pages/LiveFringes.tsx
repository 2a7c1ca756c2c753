/**
 * A live group's fringes on the Live page: per baseline the fringe (the
 * band-summed visibility's real part, coherence·cos φ), its amplitude and
 * phase against time, the closure phase of every triangle (api/closure.ts,
 * the function a recording's page uses, over the same band sums), and the station's calibration tracking
 * state (calibrating, locked, tracking, lost) with its last change. Phase
 * against frequency needs the cross spectra, which the live events do not
 * carry: a recording's page shows it.
 */
import { useMemo } from 'react';
import { closurePhases, fromPolar } from '../../api/closure.ts';
import type { GroupTrackingStatus } from '../../api/types.ts';
import { Plot, baselineColors, colors, nightLayout } from '../components/Plot.tsx';
import { baselineLabel, type InputLabel } from '../inputs.ts';
import type { BaselineHistory } from '../station.ts';

export function LiveFringes(p: { history: BaselineHistory; labels: InputLabel[]; tracking: GroupTrackingStatus | null | undefined }) {
  const h = p.history;
  const newest = h.time.at(-1);
  const plots = useMemo(() => {
    const x = h.time.map((t) => t * 1000);
    const timeAxis = { type: 'date' as const, title: { text: 'Time (UTC)' }, nticks: 5, tickformat: '%H:%M:%S' };
    const small = { margin: { l: 48, r: 8, t: 6, b: 34 }, showlegend: true, legend: { orientation: 'h' as const, y: 1.18 } };
    const per = (y: (k: number) => number[], mode: 'lines' | 'markers') =>
      h.pairs.map(({ a, b }, k) => ({
        x, y: y(k), name: baselineLabel(p.labels, a, b), type: 'scatter', mode,
        ...(mode === 'lines' ? { line: { color: baselineColors[k % baselineColors.length], width: 1.2 } } : { marker: { size: 3, color: baselineColors[k % baselineColors.length] } }),
      })) as Partial<Plotly.PlotData>[];
    // The same function and band sums as a recording's page (api/closure.ts over the station's groupBaselines).
    const closures = closurePhases(h.pairs.map(({ a, b }, k) => ({ a, b, ...fromPolar(h.coherence[k]!, h.phase[k]!) }))).map(
      (c, k) => ({ x, y: c.deg, name: c.triangle.join('–'), type: 'scatter', mode: 'markers', marker: { size: 3, color: k === 0 ? colors.trace : baselineColors[k % baselineColors.length] } }) as Partial<Plotly.PlotData>,
    );
    const phaseAxis = { range: [-180, 180], autorange: false, dtick: 90 };
    return {
      fringe: { data: per((k) => h.coherence[k]!.map((c, i) => c * Math.cos(((h.phase[k]![i] ?? 0) * Math.PI) / 180)), 'lines'), layout: nightLayout({ ...small, xaxis: timeAxis, yaxis: { title: { text: 'Re (coherence)' }, uirevision: 'fr' } }) },
      amplitude: { data: per((k) => h.coherence[k]!.slice(), 'lines'), layout: nightLayout({ ...small, xaxis: timeAxis, yaxis: { title: { text: 'amplitude (coherence)' }, rangemode: 'tozero' } }) },
      phase: { data: per((k) => h.phase[k]!.slice(), 'markers'), layout: nightLayout({ ...small, xaxis: timeAxis, yaxis: { title: { text: 'phase (°)' }, ...phaseAxis } }) },
      closure: { data: closures, layout: nightLayout({ ...small, xaxis: timeAxis, yaxis: { title: { text: 'closure phase (°)' }, ...phaseAxis } }) },
    };
    // the history is mutated in place: its newest time says when it changed
  }, [newest, h.pairs, p.labels]);
  const t = p.tracking;
  const last = t?.events.at(-1);
  return (
    <section className="panel live-fringes" data-testid="live-fringes">
      <div className="panel-head">
        <h2>Fringes</h2>
        {t ? (
          <span className={`pill tracking-${t.state}`} data-testid="tracking-state" title={last ? `${last.reason}` : 'no check finished yet'}>
            calibration: {t.state}
            {t.delays ? ` · delays ${t.delays.map((d) => d.toFixed(2)).join(', ')}` : ''}
          </span>
        ) : (
          <span className="muted small">not calibrated by the station (no switchable noise source, or asked not to)</span>
        )}
      </div>
      <div className="detail-plots">
        <div>
          <h3>Fringe (real part)</h3>
          <Plot testId="live-fringe-re" className="plot mini" data={plots.fringe.data} layout={plots.fringe.layout} />
        </div>
        <div>
          <h3>Amplitude</h3>
          <Plot testId="live-fringe-amp" className="plot mini" data={plots.amplitude.data} layout={plots.amplitude.layout} />
        </div>
        <div>
          <h3>Phase</h3>
          <Plot testId="live-fringe-phase" className="plot mini" data={plots.phase.data} layout={plots.phase.layout} />
        </div>
        {plots.closure.data.length ? (
          <div>
            <h3>Closure phases</h3>
            <Plot testId="live-fringe-closure" className="plot mini" data={plots.closure.data} layout={plots.closure.layout} />
          </div>
        ) : null}
      </div>
    </section>
  );
}
