/**
 * The Drift wizard's result page: the beam, the pointing offsets, T_sys, the
 * sun's antenna temperature, its flux against the entered one, the disk's
 * brightness temperature and the radiometer check, each with its 1σ, the
 * verdict (what the data cannot decide), every cut with its fit and
 * residuals (`drift.series`), the report (HTML, PDF, CSV) and the pointing
 * correction the run saved.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import { Plot, colors, nightLayout } from '../components/Plot.tsx';
import { driftReportUrl, fluxAgreement, withSigma } from '../drift.ts';
import type { StationView } from '../station.ts';

type Run = Result<'drift.run'>;
type Series = Result<'drift.series'>;

const cutTitle: Record<string, string> = { drift: 'Drift (power against the sun’s offset along its track)', el: 'Elevation scan (cross-scan at transit)', az: 'Azimuth scan' };

function Readout({ label, value, sub, tone, testId }: { label: string; value: string; sub?: string; tone?: 'ok' | 'bad'; testId: string }) {
  return (
    <div className={`readout ${tone ?? ''}`} data-testid={testId}>
      <div className="readout-label">{label}</div>
      <div className="readout-value">{value}</div>
      {sub ? <div className="readout-sub" title={sub}>{sub}</div> : null}
    </div>
  );
}

function CutPlots({ cut, unit, error }: { cut: Series['cuts'][number]; unit: string; error: string | null }) {
  const fig = useMemo(() => {
    const inFit = (keep: boolean) => cut.x.map((_, i) => i).filter((i) => cut.used[i] === keep);
    const pts = (idx: number[]) => ({ x: idx.map((i) => cut.x[i]!), y: idx.map((i) => cut.y[i]!) });
    const resid = inFit(true).filter((i) => cut.model[i] !== null);
    return {
      main: [
        { ...pts(inFit(false)), type: 'scatter', mode: 'markers', name: 'outside the fit window', marker: { color: '#56636f', size: 4 } },
        { ...pts(inFit(true)), type: 'scatter', mode: 'markers', name: 'measured', marker: { color: colors.trace, size: 4 } },
        { x: cut.curve?.x ?? [], y: cut.curve?.y ?? [], type: 'scatter', mode: 'lines', name: 'fit', line: { color: colors.line, width: 1.6 } },
      ] as Partial<Plotly.PlotData>[],
      residuals: [{ x: resid.map((i) => cut.x[i]!), y: resid.map((i) => cut.y[i]! - cut.model[i]!), type: 'scatter', mode: 'markers', marker: { color: colors.second, size: 3 } }] as Partial<Plotly.PlotData>[],
    };
  }, [cut]);
  const x = { title: { text: 'Offset from the sun (° on the sky)' } };
  return (
    <div className="drift-cut" data-testid={`drift-cut-${cut.axis}`}>
      <h3>{cutTitle[cut.axis] ?? cut.axis}</h3>
      <Plot testId={`drift-fit-${cut.axis}`} data={fig.main} layout={nightLayout({ showlegend: true, legend: { orientation: 'h', x: 0, y: 1.14, font: { size: 11 } }, xaxis: x, yaxis: { title: { text: `Power (${unit})` } } })} className="plot medium" />
      {cut.curve ? (
        <Plot testId={`drift-residuals-${cut.axis}`} data={fig.residuals} layout={nightLayout({ xaxis: x, yaxis: { title: { text: `Residual (${unit})` }, zeroline: true } })} className="plot short" />
      ) : (
        <p className="danger-text small" data-testid={`drift-cut-error-${cut.axis}`}>Not fitted{error ? `: ${error}` : ''}</p>
      )}
    </div>
  );
}

export function DriftResult({ station, result: r, onAgain }: { station: StationView; result: Run; onAgain: () => void }) {
  const [series, setSeries] = useState<Series | null>(null);
  const [seriesError, setSeriesError] = useState<string | null>(null);
  useEffect(() => {
    station.client.call('drift.series', { observation: r.observation }).then(setSeries, (err: Error) => setSeriesError(err.message));
  }, [r.observation, station.client]);
  const flux = fluxAgreement(r.sun_flux_sfu, r.sun_flux_sfu_sigma, r.expected_flux_sfu);
  const radio = r.radiometer;
  const unit = r.unit === 'K' ? 'K' : 'relative';
  const links = (['html', 'pdf', 'csv'] as const).map((f) => ({ f, url: driftReportUrl(r.observation, f) }));
  return (
    <div className="drift-result" data-testid="drift-result">
      <div className="panel drift-card">
        <h3>Observation #{r.observation}: the sun's passage, measured</h3>
        <div className="drift-readouts">
          <Readout testId="drift-hpbw" label="Beam (HPBW)" value={withSigma(r.hpbw_deg, r.hpbw_deg_sigma, '°')} sub="deconvolved from the 0.53° disk" />
          <Readout testId="drift-pointing-az" label="Pointing, az" value={withSigma(r.pointing_offset_deg.az, r.pointing_offset_deg_sigma.az, '°', 3)} sub="on the sky (× cos el)" />
          <Readout testId="drift-pointing-el" label="Pointing, el" value={withSigma(r.pointing_offset_deg.el, r.pointing_offset_deg_sigma.el, '°', 3)} sub="beam − where the mount says" />
          <Readout testId="drift-tsys" label="T_sys" value={withSigma(r.tsys_k, r.tsys_k_sigma, 'K', 1)} sub={`calibration (${r.calibration.method}): ${r.calibration.tsys_k.toFixed(1)} ± ${r.calibration.tsys_k_sigma.toFixed(1)} K`} />
          <Readout testId="drift-ta" label="Sun, antenna temp." value={withSigma(r.sun_antenna_temp_k, r.sun_antenna_temp_k_sigma, 'K', 1)} sub="peak above the baseline" />
          <Readout
            testId="drift-flux-result" label="Sun's flux" value={withSigma(r.sun_flux_sfu, r.sun_flux_sfu_sigma, 'sfu', 1)} tone={flux ? (flux.agrees ? 'ok' : 'bad') : undefined}
            sub={flux ? `entered ${r.expected_flux_sfu} sfu: ratio ${flux.ratio.toFixed(3)} ± ${flux.sigma.toFixed(3)}${flux.agrees ? '' : ', disagrees'}` : 'no flux entered to compare'}
          />
          <Readout testId="drift-tb" label="Disk brightness temp." value={r.sun_brightness_temp_k === null ? '—' : `${(r.sun_brightness_temp_k / 1e3).toFixed(0)} × 10³ K`} sub="T_b = S c² / (2 k ν² Ω_sun)" />
          <Readout
            testId="drift-radiometer" label="Radiometer check" value={radio ? `${radio.ratio.value.toFixed(2)} ± ${radio.ratio.sigma.toFixed(2)}` : '—'} tone={radio ? (radio.passes ? 'ok' : 'bad') : undefined}
            sub={radio ? `off-sun scatter ÷ T_sys/√(Bτ): ${radio.passes ? 'passes' : 'fails, more than thermal noise'}` : 'too few off-sun points'}
          />
        </div>
        {r.verdict.length ? (
          <div className="drift-verdict" data-testid="drift-verdict">
            <strong>What the data cannot decide</strong>
            <ul>{r.verdict.map((v) => <li key={v}>{v}</li>)}</ul>
          </div>
        ) : <p className="ok-text small" data-testid="drift-verdict">Every number above is measured.</p>}
        <div className="row buttons drift-links">
          {links.every((l) => l.url) ? links.map(({ f, url }) => <a key={f} className="button" href={url!} download data-testid={`drift-report-${f}`}>{f === 'csv' ? 'CSV of the fit' : `${f.toUpperCase()} report`}</a>)
            : <span className="muted small">The report: <code>fringe drift --observation {r.observation} --report DIR</code></span>}
          <button onClick={onAgain} data-testid="drift-again">Measure again</button>
        </div>
        {r.pointing_correction ? (
          <p className="small" data-testid="drift-correction">
            <strong>Pointing correction saved</strong>: add az {r.pointing_correction.az.toFixed(3)}°, el {r.pointing_correction.el.toFixed(3)}° to commanded positions{' '}
            <span className="muted">(kept in the data folder as pointing-correction.json; it replaces the previous one)</span>
          </p>
        ) : null}
      </div>
      <div className="drift-cuts">
        {series ? series.cuts.map((c, i) => <CutPlots key={c.axis} cut={c} unit={unit} error={r.cuts[i]?.error ?? null} />) : seriesError ? <p className="danger-text">{seriesError}</p> : <p className="muted">Reading the cuts…</p>}
      </div>
    </div>
  );
}
