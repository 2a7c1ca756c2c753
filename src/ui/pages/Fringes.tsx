/**
 * A group observation's fringes (API observations.fringes / fringeFits): per
 * baseline the fringe (real part) and amplitude and phase against time, the
 * phase against frequency, the closure phase of every triangle, and the
 * baseline and source-size fits or why the data give none.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import { Plot, baselineColors, colors, nightLayout } from '../components/Plot.tsx';
import type { StationView } from '../station.ts';

type View = Result<'observations.fringes'>;
type Fits = Result<'observations.fringeFits'>;

const ms = (t: number[]) => t.map((x) => x * 1000);
const name = (a: number, b: number) => `${a}–${b}`;

export function ObservationFringes({ station, id }: { station: StationView; id: number }) {
  const [view, setView] = useState<View | null>(null);
  const [fits, setFits] = useState<Fits | null>(null);
  useEffect(() => {
    setView(null);
    setFits(null);
    void station.call('observations.fringes', { id }, `read the fringes of observation ${id}`).then((v) => v && setView(v));
    void station.call('observations.fringeFits', { id }, `fit the fringes of observation ${id}`).then((f) => f && setFits(f));
  }, [id]);
  const plots = useMemo(() => {
    if (!view) return null;
    const time = ms(view.time);
    const line = (k: number) => ({ color: baselineColors[k % baselineColors.length], width: 1.3 });
    const timeAxis = { type: 'date' as const, title: { text: 'UTC' } };
    const per = (y: (b: View['baselines'][number]) => number[]) =>
      view.baselines.map((b, k) => ({ x: time, y: y(b), name: name(b.a, b.b), type: 'scatter', mode: 'lines', line: line(k) })) as Partial<Plotly.PlotData>[];
    const legend = { showlegend: true, legend: { orientation: 'h' as const, y: 1.12 } };
    return {
      fringe: { data: per((b) => b.re), layout: nightLayout({ ...legend, xaxis: timeAxis, yaxis: { title: { text: 'Re V / √(V_aa V_bb)' } } }) },
      amplitude: { data: per((b) => b.amplitude), layout: nightLayout({ ...legend, xaxis: timeAxis, yaxis: { title: { text: '|V| / √(V_aa V_bb)' }, rangemode: 'tozero' } }) },
      phase: {
        data: view.baselines.map((b, k) => ({ x: time, y: b.phaseDeg, name: name(b.a, b.b), type: 'scatter', mode: 'markers', marker: { size: 3, color: line(k).color } })) as Partial<Plotly.PlotData>[],
        layout: nightLayout({ ...legend, xaxis: timeAxis, yaxis: { title: { text: 'phase (°)' }, range: [-180, 180], dtick: 90 } }),
      },
      spectrum: {
        data: view.baselines.map((b, k) => ({ x: view.frequency.map((f) => f / 1e6), y: b.spectrumPhaseDeg, name: name(b.a, b.b), type: 'scatter', mode: 'markers', marker: { size: 3, color: line(k).color } })) as Partial<Plotly.PlotData>[],
        layout: nightLayout({ ...legend, xaxis: { title: { text: 'frequency (MHz)' } }, yaxis: { title: { text: 'phase (°)' }, range: [-180, 180], dtick: 90 } }),
      },
      closure: {
        data: view.closures.map((c, k) => ({ x: time, y: c.deg, name: c.triangle.join('–'), type: 'scatter', mode: 'markers', marker: { size: 3, color: k === 0 ? colors.trace : baselineColors[k % baselineColors.length] } })) as Partial<Plotly.PlotData>[],
        layout: nightLayout({ ...legend, xaxis: timeAxis, yaxis: { title: { text: 'closure phase (°)' }, range: [-180, 180], dtick: 90 } }),
      },
    };
  }, [view]);
  if (!view || !plots) return <p className="muted">Reading the fringes…</p>;
  return (
    <div className="fringes" data-testid="obs-fringes">
      <h3>Fringes {view.step > 1 ? <span className="muted small">(means of {view.step} integrations)</span> : null}</h3>
      <div className="detail-plots">
        <div>
          <h3>Fringe (real part)</h3>
          <Plot testId="fringe-re" data={plots.fringe.data} layout={plots.fringe.layout} className="plot medium" />
        </div>
        <div>
          <h3>Amplitude</h3>
          <Plot testId="fringe-amp" data={plots.amplitude.data} layout={plots.amplitude.layout} className="plot medium" />
        </div>
        <div>
          <h3>Phase against time</h3>
          <Plot testId="fringe-phase" data={plots.phase.data} layout={plots.phase.layout} className="plot medium" />
        </div>
        <div>
          <h3>Phase against frequency</h3>
          <Plot testId="fringe-spectrum" data={plots.spectrum.data} layout={plots.spectrum.layout} className="plot medium" />
        </div>
        {view.closures.length > 0 ? (
          <div>
            <h3>Closure phases</h3>
            <Plot testId="fringe-closure" data={plots.closure.data} layout={plots.closure.layout} className="plot medium" />
          </div>
        ) : null}
      </div>
      <FitResults fits={fits} />
    </div>
  );
}

function FitResults({ fits }: { fits: Fits | null }) {
  if (!fits) return <p className="muted">Fitting the baselines…</p>;
  const { baseline, size } = fits;
  return (
    <div data-testid="fringe-fits">
      <h3>Baseline solution</h3>
      {'error' in baseline ? (
        <p className="muted" data-testid="fringe-baseline-error">No baseline solution: {baseline.error}</p>
      ) : (
        <>
          <table className="small">
            <thead>
              <tr><th>Baseline</th><th>East (m)</th><th>North (m)</th><th>Up (m)</th><th>Length (m)</th><th>Phase (°)</th></tr>
            </thead>
            <tbody>
              {baseline.baselines.map((b) => (
                <tr key={`${b.a}-${b.b}`}>
                  <td>{name(b.a, b.b)}</td><td>{b.east_m.toFixed(3)}</td><td>{b.north_m.toFixed(3)}</td><td>{b.up_m.toFixed(3)}</td>
                  <td>{b.length_m.toFixed(3)} ± {b.length_err_m.toFixed(3)}</td><td>{b.phase_deg.toFixed(1)} ± {b.phase_err_deg.toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {baseline.closure_phases_deg.length ? <p className="small">Closure phases: {baseline.closure_phases_deg.map((c) => `${c.triangle.join('–')}: ${c.deg.toFixed(1)}°`).join(', ')}</p> : null}
          {baseline.note ? <p className="muted small">{baseline.note}</p> : null}
        </>
      )}
      <h3>Source size</h3>
      {'error' in size ? (
        <p className="muted" data-testid="fringe-size-error">No size: {size.error}</p>
      ) : (
        <p className="small">
          {size.diameter_deg ? `Uniform disk ${size.diameter_deg.value.toFixed(3)}° ± ${size.diameter_deg.sigma.toFixed(3)}° on baseline ${name(size.a, size.b)}. ` : ''}
          {size.verdict}
          {size.nulls.length ? ` Nulls: ${size.nulls.map((n) => `${n.hourAngleH.toFixed(2)} h (${n.qLambda.toFixed(1)} λ)`).join(', ')}.` : ''}
        </p>
      )}
    </div>
  );
}
