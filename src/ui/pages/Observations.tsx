/** The Observations page: the archive, one observation's plots, export, upload and delete; the upload targets. */
import { useEffect, useMemo, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import { downloadUrl } from '../api.ts';
import { Plot, colors, nightLayout } from '../components/Plot.tsx';
import { decibels, formatMHz, radioVelocity } from '../spectrum.ts';
import type { StationView } from '../station.ts';
import { ReprocessPanel } from './Reprocess.tsx';
import { dropSummary, dropTone, formatFraction } from '../drops.ts';
import { bandRange } from '../band.ts';
import { RecordingWaterfall } from './RecordingWaterfall.tsx';
import { ObservationFringes } from './Fringes.tsx';
import { TargetsPanel, UploadPanel, useTargets, type TargetSummary } from './Uploads.tsx';

type Obs = Result<'observations.list'>[number];
type Status = '' | 'recording' | 'complete' | 'interrupted';

function when(unix: number): string {
  return new Date(unix * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

function duration(o: Obs): string {
  const s = Math.round((o.end ?? Date.now() / 1000) - o.start);
  return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

export function Observations({ station }: { station: StationView }) {
  const { client } = station;
  const [list, setList] = useState<Obs[] | null>(null);
  const [status, setStatus] = useState<Status>('');
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<number | null>(null);
  const recId = station.status?.recording?.id ?? null;
  const targets = useTargets(station);

  const load = () =>
    station.call('observations.list', status ? { status } : {}, 'list the observations').then((l) => l && setList(l));
  useEffect(() => {
    if (station.connection === 'open') void load();
  }, [client, station.connection, status, recId, station.dataVersion]);

  const shown = useMemo(() => {
    const t = text.trim().toLowerCase();
    return (list ?? []).filter((o) => !t || `${o.id} ${o.target} ${o.mode} ${o.config.source && typeof o.config.source === 'object' ? (o.config.source as { name?: string }).name ?? '' : ''}`.toLowerCase().includes(t));
  }, [list, text]);

  return (
    <div className="observations">
      <section className="panel list-panel">
        <div className="panel-head">
          <h2>Observations</h2>
          <div className="panel-tools">
            <input placeholder="Filter: target, mode, id" value={text} onChange={(e) => setText(e.target.value)} data-testid="obs-filter" />
            <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
              <option value="">any status</option>
              <option value="complete">complete</option>
              <option value="recording">recording</option>
              <option value="interrupted">interrupted</option>
            </select>
            <button className="ghost" onClick={() => void load()}>
              Refresh
            </button>
          </div>
        </div>
        {list === null ? (
          <p className="muted">Loading…</p>
        ) : shown.length === 0 ? (
          <p className="muted empty-note">{list.length === 0 ? 'No observations yet. Press Record on the Live page to make one.' : 'Nothing matches the filter.'}</p>
        ) : (
          <div className="table-scroll">
          <table className="obs-table" data-testid="obs-table">
            <thead>
              <tr>
                <th>#</th>
                <th>Start (UTC)</th>
                <th>Length</th>
                <th>Target</th>
                <th>Mode</th>
                <th>Centre</th>
                <th className="num">Integrations</th>
                <th>Drops</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr key={o.id} className={o.id === selected ? 'selected' : ''} onClick={() => setSelected(o.id)} data-testid={`obs-row-${o.id}`}>
                  <td className="num">{o.id}</td>
                  <td className="mono">{when(o.start)}</td>
                  <td>{duration(o)}</td>
                  <td>{o.target || '—'}</td>
                  <td>{o.mode}</td>
                  <td className="mono">{formatMHz(o.config.tuning.centerFrequency, 3)}</td>
                  <td className="num">{o.integrations}</td>
                  <td data-testid={`obs-drops-${o.id}`}>
                    <DropCell drops={o.drops} />
                  </td>
                  <td>
                    <span className={`status ${o.status}`} title={o.interruptedReason ?? ''}>
                      {o.status}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        )}
      </section>
      {selected !== null ? (
        <Detail
          key={selected}
          station={station}
          obs={list?.find((o) => o.id === selected) ?? null}
          targets={targets.targets}
          onDeleted={() => {
            setSelected(null);
            void load();
          }}
          onOpen={setSelected}
          onReload={() => void load()}
        />
      ) : null}
      <TargetsPanel station={station} targets={targets.targets} reload={targets.reload} />
    </div>
  );
}

function Detail({ station, obs, targets, onDeleted, onOpen, onReload }: { station: StationView; obs: Obs | null; targets: TargetSummary[] | null; onDeleted: () => void; onOpen: (id: number) => void; onReload: () => void }) {
  const { client } = station;
  const [summary, setSummary] = useState<Result<'observations.summary'> | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [axis, setAxis] = useState<'frequency' | 'velocity'>('frequency');
  // 'band': the passband's level a few dB either side (the HI bump plain to see); 'full': the rolloff included.
  const [scale, setScale] = useState<'band' | 'full'>('band');
  useEffect(() => {
    if (obs && obs.integrations > 0) void station.call('observations.summary', { id: obs.id }, `read observation ${obs.id}`).then((s) => s && setSummary(s));
  }, [obs?.id, obs?.integrations]);
  const velocity = axis === 'velocity';
  const band = useMemo(() => (summary ? bandRange(Array.from(decibels(summary.spectrum[0] ?? []))) : undefined), [summary]);
  const spectrum = useMemo(() => summary && {
    data: [
      {
        x: summary.frequency.map((f) => (velocity ? radioVelocity(f) : f / 1e6)),
        y: Array.from(decibels(summary.spectrum[0] ?? [])),
        type: 'scatter',
        mode: 'lines',
        line: { color: colors.trace, width: 1.2 },
        hovertemplate: velocity ? '%{x:.1f} km/s<br>%{y:.2f} dB<extra></extra>' : '%{x:.4f} MHz<br>%{y:.2f} dB<extra></extra>',
      },
    ] as Partial<Plotly.PlotData>[],
    layout: nightLayout({
      xaxis: velocity ? { title: { text: 'Radio velocity, HI (km/s)' }, autorange: 'reversed' } : { title: { text: 'Frequency (MHz)' }, tickformat: '.2f' },
      yaxis: { title: { text: 'Mean power (dB, arbitrary)' }, ...(scale === 'band' && band ? { range: band, autorange: false } : { autorange: true }) },
      uirevision: `${velocity}/${scale}`,
    }),
  }, [summary, velocity, scale, band]);
  const power = useMemo(() => summary && {
    data: [{ x: summary.time.map((t) => t * 1000), y: Array.from(decibels(summary.power[0] ?? [])), type: 'scatter', mode: 'lines', line: { color: colors.second, width: 1.4 }, hovertemplate: '%{x|%H:%M:%S} UTC<br>%{y:.3f} dB<extra></extra>' }] as Partial<Plotly.PlotData>[],
    layout: nightLayout({ xaxis: { type: 'date', title: { text: 'Time (UTC)' } }, yaxis: { title: { text: 'Total power (dB)' } } }),
  }, [summary]);

  if (!obs) return null;

  const exportInApp = async (format: 'fits' | 'csv', kind?: 'power' | 'spectrum') => {
    const r = await station.call('observations.export', { id: obs.id, format, ...(kind ? { kind } : {}) }, 'export');
    if (r) setSaved(`Saved ${r.name} (${(r.bytes / 1024).toFixed(0)} KiB) in ${r.path}`);
  };
  const exportLink = (label: string, format: 'fits' | 'csv', kind?: 'power' | 'spectrum', testId?: string) => {
    const url = downloadUrl(obs.id, format, kind);
    return url ? (
      <a className="button" href={url} download data-testid={testId}>
        {label}
      </a>
    ) : (
      <button onClick={() => void exportInApp(format, kind)} data-testid={testId}>
        {label}
      </button>
    );
  };
  const remove = async () => {
    const r = await station.call('observations.delete', { id: obs.id }, `delete observation ${obs.id}`);
    if (r) onDeleted();
  };
  const t = obs.config.tuning;

  return (
    <section className="panel detail" data-testid="obs-detail">
      <div className="panel-head">
        <h2>
          Observation #{obs.id} <span className="muted">· {obs.target || 'no target'}</span>
        </h2>
        <div className="panel-tools">
          {obs.integrations > 0 ? (
            <>
              {exportLink('FITS', 'fits', undefined, 'export-fits')}
              {exportLink('CSV power', 'csv', 'power', 'export-csv')}
              {exportLink('CSV spectrum', 'csv', 'spectrum')}
            </>
          ) : null}
          {confirm ? (
            <>
              <button className="danger" onClick={() => void remove()} disabled={obs.status === 'recording'} data-testid="delete-confirm">
                Delete #{obs.id} and its files
              </button>
              <button className="ghost" onClick={() => setConfirm(false)}>
                Keep
              </button>
            </>
          ) : (
            <button className="ghost danger-text" onClick={() => setConfirm(true)} disabled={obs.status === 'recording'} data-testid="delete">
              Delete…
            </button>
          )}
        </div>
      </div>
      {saved ? <p className="ok-text small">{saved}</p> : null}
      {obs.drops && obs.drops.samples > 0 ? (
        <p className={`drop-warning ${dropTone(obs.drops.samples, obs.drops.fraction)}`} data-testid="obs-drop-warning">
          Samples were lost while recording: {dropSummary(obs.drops)}. A total-power curve has holes where they were; the exports carry the counts (FITS DROPEVTS/DROPSAMP/DROPFRAC, the CSV's dropped columns).
        </p>
      ) : null}
      <dl className="facts wide">
        <dt>Start</dt>
        <dd>{when(obs.start)} UTC</dd>
        <dt>Length</dt>
        <dd>{duration(obs)}</dd>
        <dt>Tuning</dt>
        <dd>
          {formatMHz(t.centerFrequency)} · {(t.sampleRate / 1e6).toFixed(3)} MS/s · gain {t.gain ?? 'auto'} {t.gain !== undefined ? 'dB' : ''}
        </dd>
        <dt>Correlator</dt>
        <dd>
          {obs.config.fx.channels} channels · {obs.config.fx.taps} taps · {obs.config.fx.spectraPerIntegration} spectra per integration
        </dd>
        <dt>Integrations</dt>
        <dd>{obs.integrations}</dd>
        <dt>Dropped</dt>
        <dd data-testid="obs-dropped" className={obs.drops && obs.drops.samples > 0 ? `${dropTone(obs.drops.samples, obs.drops.fraction)}-text` : ''}>
          {dropSummary(obs.drops) ?? 'none'}
        </dd>
        <dt>Status</dt>
        <dd>
          {obs.status}
          {obs.interruptedReason ? ` (${obs.interruptedReason})` : ''}
        </dd>
      </dl>
      {obs.mode === 'raw' && obs.status !== 'recording' ? <ReprocessPanel station={station} obsId={obs.id} channels={obs.config.fx.channels} onDone={onReload} onOpen={onOpen} /> : null}
      {obs.integrations === 0 ? (
        obs.mode === 'raw' ? null : <p className="muted">This observation holds no integrations.</p>
      ) : summary && spectrum && power ? (
        <div className="detail-plots">
          <div>
            <h3 className="with-tools">
              Mean spectrum
              <span className="plot-tools">
                <span className="seg" role="group" aria-label="power scale">
                  <button className={scale === 'band' ? 'on' : ''} onClick={() => setScale('band')} title="the passband's level, a few dB either side" data-testid="obs-scale-band">
                    Band
                  </button>
                  <button className={scale === 'full' ? 'on' : ''} onClick={() => setScale('full')} title="everything, the band edges included" data-testid="obs-scale-full">
                    Full
                  </button>
                </span>
                <span className="seg" role="group" aria-label="axis">
                  <button className={velocity ? '' : 'on'} onClick={() => setAxis('frequency')}>
                    Frequency
                  </button>
                  <button className={velocity ? 'on' : ''} onClick={() => setAxis('velocity')}>
                    Velocity
                  </button>
                </span>
              </span>
            </h3>
            <Plot testId="obs-spectrum" data={spectrum.data} layout={spectrum.layout} className="plot medium" />
          </div>
          <div>
            <h3>Total power {summary.step > 1 ? <span className="muted small">(means of {summary.step} integrations)</span> : null}</h3>
            <Plot testId="obs-power" data={power.data} layout={power.layout} className="plot medium" />
          </div>
          <RecordingWaterfall station={station} obsId={obs.id} integrations={obs.integrations} />
        </div>
      ) : (
        <p className="muted">Reading…</p>
      )}
      {obs.integrations > 0 && obs.config.fx.inputs > 1 && obs.config.fx.mode === 'full' ? <ObservationFringes station={station} id={obs.id} /> : null}
      <UploadPanel station={station} obsId={obs.id} targets={targets} />
    </section>
  );
}

/** The list's Drops cell: "—" when none, else the fraction lost (the count and events on hover). */
function DropCell({ drops }: { drops: Obs['drops'] }) {
  if (!drops || drops.samples === 0) return <span className="muted">—</span>;
  return (
    <span className={`drops ${dropTone(drops.samples, drops.fraction)}`} title={dropSummary(drops) ?? ''}>
      ⚠ {formatFraction(drops.fraction)}
    </span>
  );
}
