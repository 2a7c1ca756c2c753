/**
 * The hydrogen-line page: a stored observation's reduced spectrum (T against
 * v_LSR, its components, the HI4PI profile for the same direction where one
 * is available) and a survey along the plane (l–v diagram and rotation
 * curve, the engine's SVG images).
 */
import { useMemo, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import { Plot, colors, nightLayout } from '../components/Plot.tsx';
import type { StationView } from '../station.ts';
import { MaskEditor, SwitchPanel, parseRanges } from './HydrogenTools.tsx';

/** ", cut by the band's low end" when the emission runs into an end of the usable band (it may go on beyond). */
const cutSays = (c: { low: boolean; high: boolean }) => (c.low && c.high ? ", cut by the band's ends" : c.low ? ", cut by the band's low end" : c.high ? ", cut by the band's high end" : '');

/** Observation ids typed as '3, 4 5': positive whole numbers, or null when one is not. */
export function parseIds(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const ids = parts.map((p) => (/^[1-9]\d{0,9}$/.test(p) ? Number(p) : NaN));
  return ids.every(Number.isFinite) ? ids : null;
}

/** The x range of the points with a value, as a Plotly axis range ({} when none). */
function finiteRange(x: number[], y: (number | null)[]): { range?: [number, number] } {
  let lo = Infinity, hi = -Infinity;
  y.forEach((v, i) => { if (v !== null) { lo = Math.min(lo, x[i]!); hi = Math.max(hi, x[i]!); } });
  return hi > lo ? { range: [lo, hi] } : {};
}

const svgUrl = (svg: string) => `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;

export function Hydrogen({ station }: { station: StationView }) {
  const [idText, setIdText] = useState('');
  const [refText, setRefText] = useState('');
  const [surveyText, setSurveyText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [spectrum, setSpectrum] = useState<Result<'hi.spectrum'> | null>(null);
  const [survey, setSurvey] = useState<Result<'hi.survey'> | null>(null);
  const [lineFreeText, setLineFreeText] = useState('');
  const [tsysText, setTsysText] = useState('');
  const [dragged, setDragged] = useState<[number, number] | null>(null);

  const reduce = async (idOverride?: number) => {
    const ids = idOverride !== undefined ? [idOverride] : parseIds(idText), refs = parseIds(refText);
    if (!ids || ids.length !== 1 || !refs) return setProblem('Give one observation id, and reference ids (hot, cold, terminated input) separated by commas.');
    const lineFree = parseRanges(lineFreeText);
    if (!lineFree) return setProblem('Give the line-free ranges as LO:HI in km/s separated by commas, e.g. -150:-80, 60:150 (empty: chosen automatically).');
    const tsys = tsysText.trim() === '' ? undefined : Number(tsysText);
    if (tsys !== undefined && !(tsys > 0)) return setProblem('T_sys is a temperature in kelvin above 0 (for a switched observation), or empty.');
    setProblem(null);
    const r = await station.call('hi.spectrum', { id: ids[0]!, ...(refs.length ? { references: refs } : {}), ...(lineFree.length ? { lineFree } : {}), ...(tsys !== undefined ? { tsys } : {}) }, `reduce observation ${ids[0]}`);
    if (r) setSpectrum(r);
  };
  const runSurvey = async () => {
    const ids = parseIds(surveyText);
    if (!ids || ids.length === 0) return setProblem('Give the survey\'s observation ids separated by commas.');
    setProblem(null);
    const r = await station.call('hi.survey', { ids }, 'build the survey');
    if (r) setSurvey(r);
  };

  const plot = useMemo(() => spectrum && {
    data: [
      {
        x: spectrum.velocity, y: spectrum.spectrum, type: 'scatter', mode: 'lines', name: `observation ${spectrum.observation}`,
        line: { color: colors.trace, width: 1.3 }, hovertemplate: `%{x:.1f} km/s (LSR)<br>%{y:.2f} ${spectrum.unit}<extra></extra>`,
      },
      ...(spectrum.survey_profile ? [{
        x: spectrum.survey_profile.velocity, y: spectrum.survey_profile.temperature, type: 'scatter', mode: 'lines', name: `HI4PI l ${spectrum.survey_profile.l}°`,
        line: { color: colors.second, width: 1.2, dash: 'dot' }, yaxis: spectrum.unit === 'K' ? 'y' : 'y2',
      }] : []),
    ] as Partial<Plotly.PlotData>[],
    layout: nightLayout({
      // The axis spans the channels with data (a folded or flagged band leaves the rest empty).
      xaxis: { title: { text: 'v_LSR (km/s)' }, ...finiteRange(spectrum.velocity, spectrum.spectrum) },
      yaxis: { title: { text: spectrum.unit === 'K' ? 'T (K)' : 'relative' } },
      ...(spectrum.survey_profile && spectrum.unit !== 'K' ? { yaxis2: { overlaying: 'y', side: 'right', showgrid: false, zeroline: false, automargin: true, color: colors.axis, title: { text: 'HI4PI T_B (K)', font: { size: 12, color: colors.axis } } } } : {}),
      showlegend: true,
      legend: { x: 1, xanchor: 'right', y: 1 },
      // Dragging across the spectrum selects a velocity range for the mask.
      dragmode: 'select',
      selectdirection: 'h',
    }),
  }, [spectrum]);

  const fmt = (x: number, d = 2) => x.toFixed(d);
  return (
    <div className="page hydrogen">
      <SwitchPanel station={station} recorded={(id) => { setIdText(String(id)); setRefText(''); void reduce(id); }} />
      <section className="panel" data-testid="hi-spectrum-panel">
        <div className="panel-head"><h2>Hydrogen line: reduced spectrum</h2></div>
        <div className="row">
          <label>Observation <input data-testid="hi-id" value={idText} onChange={(e) => setIdText(e.target.value)} placeholder="id" size={6} /></label>
          <label>References <input data-testid="hi-refs" value={refText} onChange={(e) => setRefText(e.target.value)} placeholder="hot, cold ids" size={12} /></label>
          <label>Line-free <input data-testid="hi-line-free" value={lineFreeText} onChange={(e) => setLineFreeText(e.target.value)} placeholder="automatic (LO:HI, …)" size={22} /></label>
          <label>T_sys <input data-testid="hi-tsys" value={tsysText} onChange={(e) => setTsysText(e.target.value)} placeholder="K, switched" size={8} /></label>
          <button data-testid="hi-reduce" onClick={() => void reduce()}>Reduce</button>
        </div>
        {problem ? <p className="error" data-testid="hi-problem">{problem}</p> : null}
        {spectrum && plot ? (
          <>
            <dl className="readouts" data-testid="hi-readouts">
              <dt>Frame</dt><dd data-testid="hi-frame">LSR (v_LSR − v_topo = {fmt(spectrum.lsr_correction_kms)} km/s)</dd>
              <dt>Unit</dt><dd data-testid="hi-unit">{spectrum.unit === 'K' ? 'kelvin' : 'relative'}: {spectrum.calibration}</dd>
              {spectrum.switching ? (
                <><dt>Switching</dt><dd data-testid="hi-switching">{spectrum.switching.kind}: {spectrum.switching.cycles} complete cycles used (of {spectrum.switching.cycles_asked} asked), {spectrum.switching.integrations_used} integrations; {spectrum.switching.integrations_dropped} not used (a switch inside them, or an incomplete cycle)</dd></>
              ) : null}
              <dt>Direction</dt><dd>{spectrum.l_deg !== null ? `l ${fmt(spectrum.l_deg, 1)}°, b ${fmt(spectrum.b_deg!, 1)}°` : 'unknown'}</dd>
              <dt>Noise</dt><dd>{spectrum.noise.toPrecision(3)} {spectrum.unit} after {fmt(spectrum.smoothing_fwhm_kms)} km/s smoothing</dd>
              <dt>Baseline</dt><dd data-testid="hi-baseline">
                order {spectrum.baseline.order} over {spectrum.baseline.line_free_kms.map(([a, b]) => `${fmt(a, 1)}…${fmt(b, 1)}`).join(', ')} km/s ({spectrum.baseline.automatic ? 'chosen automatically' : 'given'})
                {' '}<button data-testid="hi-baseline-edit" onClick={() => setLineFreeText(spectrum.baseline.line_free_kms.map(([a, b]) => `${fmt(a, 1)}:${fmt(b, 1)}`).join(', '))}>Edit</button>
              </dd>
              <dt>Masked</dt><dd data-testid="hi-masked">{spectrum.flags.mask} channels{spectrum.mask.saved.length || spectrum.mask.given.length ? ` in ${[...spectrum.mask.saved, ...spectrum.mask.given].map(([a, b]) => `${a}…${b}`).join(', ')} km/s` : ''}; {spectrum.flags.rfi} RFI{spectrum.flags.dc ? " (and the DC channel)" : ""}</dd>
              <dt>Emission (5σ)</dt><dd data-testid="hi-range">{spectrum.undecided ? 'cannot decide (the baseline under the line is unknown: see below)' : spectrum.velocity_range_kms ? `${fmt(spectrum.velocity_range_kms[0], 1)} … ${fmt(spectrum.velocity_range_kms[1], 1)} km/s${cutSays(spectrum.range_cut)}` : 'none above 5σ'}</dd>
              <dt>Survey</dt><dd data-testid="hi-overlay">{spectrum.survey_profile ? `${spectrum.survey_profile.survey}, l ${spectrum.survey_profile.l}°` : 'no survey profile for this direction'}</dd>
            </dl>
            <Plot testId="hi-plot" data={plot.data} layout={plot.layout} className="plot medium" onSelectX={(a, b) => setDragged([a, b])} />
            <table className="components" data-testid="hi-components">
              <thead><tr><th>#</th><th>v_LSR (km/s)</th><th>peak ({spectrum.unit})</th><th>FWHM (km/s)</th></tr></thead>
              <tbody>
                {spectrum.components.map((c, i) => (
                  <tr key={i}><td>{i + 1}</td><td>{fmt(c.v_lsr_kms)} ± {fmt(c.v_lsr_sigma_kms)}</td><td>{c.peak.toPrecision(4)} ± {c.peak_sigma.toPrecision(2)}</td><td>{fmt(c.fwhm_kms)} ± {fmt(c.fwhm_sigma_kms)}</td></tr>
                ))}
              </tbody>
            </table>
            {[...spectrum.component_notes, ...spectrum.notes].map((n, i) => <p key={i} className="note">{n}</p>)}
          </>
        ) : null}
      </section>
      <MaskEditor station={station} dragged={dragged} changed={() => { if (spectrum) void reduce(spectrum.observation); }} />
      <section className="panel" data-testid="hi-survey-panel">
        <div className="panel-head"><h2>Survey along the Galactic plane</h2></div>
        <div className="row">
          <label>Observations <input data-testid="hi-survey-ids" value={surveyText} onChange={(e) => setSurveyText(e.target.value)} placeholder="ids along the plane" size={30} /></label>
          <button data-testid="hi-survey" onClick={() => void runSurvey()}>Build</button>
        </div>
        {survey ? (
          <>
            <p data-testid="hi-survey-summary">
              {survey.points.length} tangent points; {survey.mean_v_kms !== null ? `mean V ${fmt(survey.mean_v_kms, 1)} km/s (${fmt(survey.mean_v_corrected_kms!, 1)} less the dispersion wing), scatter ${fmt(survey.scatter_v_kms!, 1)} km/s (R₀ ${survey.r0_kpc} kpc, V₀ ${survey.v0_kms} km/s)` : 'too few for a curve'}
            </p>
            <div className="row">
              <img data-testid="hi-lv" alt="longitude–velocity diagram" src={svgUrl(survey.images.lv_svg)} />
              <img data-testid="hi-rotation" alt="rotation curve" src={svgUrl(survey.images.rotation_svg)} />
            </div>
            <table data-testid="hi-points">
              <thead><tr><th>l (°)</th><th>v_t (km/s)</th><th>R (kpc)</th><th>V (km/s)</th><th>V, less the dispersion wing</th></tr></thead>
              <tbody>{survey.points.map((p) => <tr key={p.id}><td>{fmt(p.l_deg, 1)}</td><td>{fmt(p.terminal_velocity_kms, 1)} ± {fmt(p.terminal_velocity_sigma_kms, 1)}</td><td>{fmt(p.r_kpc)}</td><td>{fmt(p.v_kms, 1)}</td><td>{fmt(p.v_corrected_kms, 1)}</td></tr>)}</tbody>
            </table>
            <p className="note">{survey.threshold_rule}</p>
          </>
        ) : null}
      </section>
    </div>
  );
}
