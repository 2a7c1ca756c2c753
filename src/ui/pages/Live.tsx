/** The Live page: spectrum, waterfall, total power, tuning, recording, the sun. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import type { SpectrumEvent } from '../../engine/station.ts';
import { Plot, colors, nightLayout } from '../components/Plot.tsx';
import { Waterfall } from '../components/Waterfall.tsx';
import { channelFrequencies, decibels, findHydrogenLine, formatCount, formatMHz, hydrogenLine, radioVelocity } from '../spectrum.ts';
import type { StationView } from '../station.ts';
import { dishReadout } from './Rotator.tsx';

type Axis = 'frequency' | 'velocity';

/** Running mean of the last `n` spectra of one input (same tuning), so the faint line stands out of the noise. */
function useAveraged(e: SpectrumEvent | null, n: number): { power: Float64Array; sk: Float32Array; count: number } | null {
  const buf = useRef<{ key: string; rows: Float32Array[] }>({ key: '', rows: [] });
  return useMemo(() => {
    if (!e) return null;
    const b = buf.current;
    const key = `${e.centerFrequency}/${e.sampleRate}/${e.channels}`;
    if (b.key !== key) buf.current = { key, rows: [] };
    const rows = buf.current.rows;
    rows.push(e.power[0]!);
    while (rows.length > n) rows.shift();
    const power = new Float64Array(e.channels);
    for (const r of rows) for (let j = 0; j < power.length; j++) power[j]! += r[j]! / rows.length;
    return { power, sk: e.sk[0]!, count: rows.length };
  }, [e, n]);
}

function Readout(props: { label: string; value: string; unit?: string; sub?: string; tone?: 'warn' | 'bad' | 'ok'; testId?: string; title?: string }) {
  return (
    <div className={`readout ${props.tone ?? ''}`} title={props.title}>
      <div className="readout-label">{props.label}</div>
      <div className="readout-value" data-testid={props.testId}>
        {props.value}
        {props.unit && props.value !== '—' ? <span className="unit"> {props.unit}</span> : null}
      </div>
      <div className="readout-sub">{props.sub ?? '\u00a0'}</div>
    </div>
  );
}

function utc(iso: string | number): string {
  return new Date(iso).toISOString().slice(11, 16) + ' UTC';
}

export function Live({ station }: { station: StationView }) {
  const { client, status, spectrum: e, history } = station;
  const live = status?.live ?? null;
  const rec = status?.recording ?? null;
  const [axis, setAxis] = useState<Axis>('frequency');
  const [average, setAverage] = useState(8);
  const [scale, setScale] = useState<'band' | 'full'>('band');
  const [stripSeconds, setStripSeconds] = useState(300);
  const bandRange = useRef<number[] | null>(null);
  const avg = useAveraged(e, average);

  // The sun: where it is now and when it next crosses the meridian (refreshed each 30 s).
  const [sun, setSun] = useState<Result<'station.sun'> | null>(null);
  useEffect(() => {
    if (station.connection !== 'open') return;
    const get = () => client.call('station.sun').then(setSun, () => {});
    get();
    const t = setInterval(get, 30_000);
    return () => clearInterval(t);
  }, [client, station.connection, status?.site]);

  const line = useMemo(() => (avg && e ? findHydrogenLine(avg.power, e.centerFrequency, e.sampleRate, avg.sk) : null), [avg, e]);

  const spectrumPlot = useMemo(() => {
    if (!avg || !e) return null;
    const f = channelFrequencies(e.centerFrequency, e.sampleRate, e.channels);
    const x = axis === 'frequency' ? Array.from(f, (v) => v / 1e6) : Array.from(f, (v) => radioVelocity(v));
    const y = Array.from(decibels(avg.power));
    const restX = axis === 'frequency' ? hydrogenLine / 1e6 : 0;
    // 'band': the passband's level ± a few dB, so a line a few tenths of a dB high is plain to see
    // (tones and the DC spike run off the top); 'full': everything, rolloff included.
    const middle = y.slice(Math.floor(y.length * 0.12), Math.ceil(y.length * 0.88)).filter(Number.isFinite).sort((a, b) => a - b);
    const fresh = middle.length ? [middle[Math.floor(middle.length * 0.01)]! - 0.4, middle[Math.floor(middle.length * 0.99)]! + 1] : undefined;
    // Hold the range until it is off by more than 0.3 dB, so the axis does not twitch with the noise.
    const held = bandRange.current;
    if (fresh && (!held || Math.abs(held[0]! - fresh[0]!) > 0.3 || Math.abs(held[1]! - fresh[1]!) > 0.3)) bandRange.current = fresh;
    const band = bandRange.current ?? undefined;
    const inBand = Math.abs(hydrogenLine - e.centerFrequency) < e.sampleRate / 2;
    const data: Partial<Plotly.PlotData>[] = [
      { x, y, type: 'scatter', mode: 'lines', line: { color: colors.trace, width: 1.2 }, hovertemplate: axis === 'frequency' ? '%{x:.4f} MHz<br>%{y:.2f} dB<extra></extra>' : '%{x:.1f} km/s<br>%{y:.2f} dB<extra></extra>' },
    ];
    const layout = nightLayout({
      xaxis: { title: { text: axis === 'frequency' ? 'Frequency (MHz)' : 'Radio velocity, HI (km/s)' }, autorange: axis === 'velocity' ? 'reversed' : true, tickformat: axis === 'frequency' ? '.2f' : undefined },
      yaxis: { title: { text: 'Power (dB, arbitrary)' }, ...(scale === 'band' && band ? { range: band, autorange: false } : { autorange: true }) },
      shapes: inBand ? [{ type: 'line', x0: restX, x1: restX, yref: 'paper', y0: 0, y1: 1, line: { color: colors.line, width: 1, dash: 'dot' } }] : [],
      annotations: inBand ? [{ x: restX, yref: 'paper', y: 1, text: 'HI rest', showarrow: false, xanchor: 'left', yanchor: 'top', font: { color: colors.line, size: 10 } }] : [],
      uirevision: `${axis}/${scale}`,
    });
    return { data, layout };
  }, [avg, e, axis, scale]);

  const powerPlot = useMemo(() => {
    // The last `stripSeconds` of the history (kept for 20 minutes).
    const newest = history.time.at(-1) ?? 0;
    let first = history.time.length;
    while (first > 0 && history.time[first - 1]! >= newest - stripSeconds) first--;
    const x = history.time.slice(first).map((t) => t * 1000);
    const y = Array.from(decibels(history.power.slice(first)));
    return {
      data: [{ x, y, type: 'scatter', mode: 'lines', line: { color: colors.second, width: 1.4 }, hovertemplate: '%{x|%H:%M:%S} UTC<br>%{y:.3f} dB<extra></extra>' }] as Partial<Plotly.PlotData>[],
      layout: nightLayout({ xaxis: { type: 'date', title: { text: 'Time (UTC)' } }, yaxis: { title: { text: 'Total power (dB)' } }, uirevision: 'tp' }),
    };
    // history is mutated in place; its version says when it changed
  }, [history.version, stripSeconds]);

  const dropped = e?.dropped.reduce((a, b) => a + b, 0) ?? 0;
  const clipped = e?.clipped.reduce((a, b) => a + b, 0) ?? 0;
  const clipFraction = e ? clipped / (e.spectra * e.channels) : 0;

  return (
    <div className="live">
      <section className="readouts">
        <Readout label="Centre" value={live ? (live.tuning.centerFrequency / 1e6).toFixed(4) : '—'} unit="MHz" sub={live ? `gain ${live.tuning.gain === 'auto' ? 'auto' : `${live.tuning.gain} dB`}` : 'live view stopped'} />
        <Readout label="Bandwidth" value={live ? (live.tuning.sampleRate / 1e6).toFixed(3) : '—'} unit="MHz" sub={live ? `${live.channels} channels` : ''} />
        <Readout label="Resolution" value={live ? ((live.tuning.sampleRate / live.channels) / 1e3).toFixed(2) : '—'} unit="kHz" sub={live ? `${((live.tuning.sampleRate / live.channels / hydrogenLine) * 299792.458).toFixed(2)} km/s at HI` : ''} title={live ? `${live.channels} channels, ${live.taps} taps, ${live.backend} backend` : ''} />
        <Readout
          label="HI peak"
          testId="hi-peak"
          value={line ? `${(line.frequency / 1e6).toFixed(4)}` : '—'}
          unit={line ? 'MHz' : ''}
          sub={line ? `${line.velocity >= 0 ? '+' : '−'}${Math.abs(line.velocity).toFixed(1)} km/s · +${(line.excess * 100).toFixed(0)} %` : 'no line above the noise'}
          title="the smoothed spectrum's highest point within ±1 MHz of the rest frequency, radio velocity, and how far it stands over the band's median"
        />
        <Readout label="Dropped" testId="dropped" value={formatCount(dropped)} unit="samples" sub={`${formatCount(history.dropped)} in ${formatCount(history.spectra)} spectra`} tone={dropped > 0 ? 'bad' : history.dropped > 0 ? 'warn' : 'ok'} title="samples lost because processing fell behind: in the last spectrum, and since this page opened" />
        <Readout label="Clipped" testId="clipped" value={(clipFraction * 100).toFixed(clipFraction > 0 && clipFraction < 0.001 ? 4 : 2)} unit="%" sub={`${formatCount(clipped)} samples`} tone={clipFraction > 0.001 ? 'warn' : 'ok'} title="samples at the 8-bit limits in the last spectrum: lower the gain if this grows" />
        <Readout label="Sun" testId="sun" value={sun ? `${sun.el.toFixed(1)}°` : '—'} unit="elevation" sub={sun ? `azimuth ${sun.az.toFixed(1)}°${sun.el < 0 ? ', set' : ''}` : ''} title={status ? `seen from ${status.site.name}` : ''} />
        <Readout label="Dish" testId="dish" {...dishReadout(station)} title="where the rotator points (azimuth / elevation, degrees); connect and move it on the Station page" />
        <Readout label="Next transit" value={sun ? utc(sun.nextTransit.time) : '—'} sub={sun ? `at elevation ${sun.nextTransit.el.toFixed(1)}°` : ''} title="the sun crosses the meridian: the middle of a drift scan" />
      </section>

      <section className="panel spectrum-panel">
        <div className="panel-head">
          <h2>Spectrum</h2>
          <div className="panel-tools">
            <div className="seg" role="group" aria-label="axis">
              <button className={axis === 'frequency' ? 'on' : ''} onClick={() => setAxis('frequency')} data-testid="axis-frequency">
                Frequency
              </button>
              <button className={axis === 'velocity' ? 'on' : ''} onClick={() => setAxis('velocity')} data-testid="axis-velocity">
                Velocity
              </button>
            </div>
            <div className="seg" role="group" aria-label="power scale">
              <button className={scale === 'band' ? 'on' : ''} onClick={() => setScale('band')} title="the passband's level, a few dB either side">
                Band
              </button>
              <button className={scale === 'full' ? 'on' : ''} onClick={() => setScale('full')} title="everything, the band edges included">
                Full
              </button>
            </div>
            <label className="inline">
              Average
              <select value={average} onChange={(ev) => setAverage(Number(ev.target.value))}>
                {[1, 4, 8, 16, 32, 64].map((n) => (
                  <option key={n} value={n}>
                    {n === 1 ? 'off' : `${n} spectra`}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted small">{e ? `${avg?.count ?? 0} × ${(e.spectra * e.channels / e.sampleRate).toFixed(2)} s` : ''}</span>
          </div>
        </div>
        {spectrumPlot ? <Plot testId="spectrum-plot" data={spectrumPlot.data} layout={spectrumPlot.layout} /> : <div className="plot empty">{station.connection !== 'open' ? 'Not connected to the station.' : live ? 'Waiting for the first spectrum…' : 'The live view is stopped. Start it from the Tuning controls.'}</div>}
      </section>

      <aside className="side">
        <Controls station={station} />
        <Recorder station={station} />
      </aside>

      <section className="panel waterfall-panel">
        <div className="panel-head">
          <h2>Waterfall</h2>
        </div>
        <Waterfall spectrum={e} rows={history.rows} />
      </section>

      <section className="panel power-panel">
        <div className="panel-head">
          <h2>Total power</h2>
          <span className="muted small">band power, DC, band edges and RFI-flagged channels excluded</span>
          <div className="panel-tools">
            <label className="inline">
              Window
              <select value={stripSeconds} onChange={(ev) => setStripSeconds(Number(ev.target.value))}>
                <option value={60}>1 min</option>
                <option value={300}>5 min</option>
                <option value={1200}>20 min</option>
              </select>
            </label>
          </div>
        </div>
        <Plot testId="power-plot" className="plot short" data={powerPlot.data} layout={powerPlot.layout} />
      </section>
    </div>
  );
}

/** Restarts keep the backend in use (the CPU the station fell back to stays the CPU, without a new notice). */
export function sameBackend(live: { backend: string } | null | undefined): { backend?: 'cpu' | 'gpu' } {
  return live?.backend === 'cpu' || live?.backend === 'gpu' ? { backend: live.backend } : {};
}

const gains = ['auto', 0, 9, 14, 20, 25, 29.7, 33.8, 37.2, 40.2, 42.1, 44.5, 48, 49.6] as const;
const rates = [1.024e6, 1.4e6, 1.8e6, 2.048e6, 2.4e6, 2.56e6];

function Controls({ station }: { station: StationView }) {
  const live = station.status?.live ?? null;
  const [freq, setFreq] = useState('1420.4058');
  const [gain, setGain] = useState<string>('40.2');
  const [rate, setRate] = useState(2.4e6);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!live) return;
    setFreq((live.tuning.centerFrequency / 1e6).toFixed(4));
    setGain(String(live.tuning.gain));
    setRate(live.tuning.sampleRate);
  }, [live?.tuning.centerFrequency, live?.tuning.gain, live?.tuning.sampleRate]);
  const recording = !!station.status?.recording;

  const apply = async () => {
    const f = Number(freq) * 1e6;
    if (!Number.isFinite(f) || f <= 0) return station.report(new Error(`'${freq}' is not a frequency in MHz`), 'tune');
    setBusy(true);
    await station.client
      .call('live.start', { source: live?.source ?? 'sim', ...sameBackend(live), tuning: { centerFrequency: f, sampleRate: rate, gain: gain === 'auto' ? 'auto' : Number(gain) } })
      .catch((err) => station.report(err, 'retune'));
    setBusy(false);
  };
  const stop = async () => {
    setBusy(true);
    await station.client.call('live.stop').catch((err) => station.report(err, 'stop the live view'));
    setBusy(false);
  };

  return (
    <div className="panel controls">
      <div className="panel-head">
        <h2>Tuning</h2>
      </div>
      <label>
        <span>Centre frequency <span className="unit">MHz</span></span>
        <input inputMode="decimal" value={freq} onChange={(ev) => setFreq(ev.target.value)} data-testid="freq" />
      </label>
      <div className="row">
        <label>
          <span>Gain <span className="unit">dB</span></span>
          <select value={gain} onChange={(ev) => setGain(ev.target.value)} data-testid="gain">
            {!gains.map(String).includes(gain) ? <option value={gain}>{gain}</option> : null}
            {gains.map((g) => (
              <option key={g} value={String(g)}>
                {g === 'auto' ? 'auto (AGC)' : g}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Sample rate <span className="unit">MS/s</span></span>
          <select value={rate} onChange={(ev) => setRate(Number(ev.target.value))}>
            {(rates.includes(rate) ? rates : [rate, ...rates]).map((r) => (
              <option key={r} value={r}>
                {(r / 1e6).toFixed(3)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row buttons">
        <button className="primary" disabled={busy || recording || station.connection !== 'open'} onClick={apply} title={recording ? 'stop the recording to retune' : ''} data-testid="apply">
          {live ? 'Retune' : 'Start live'}
        </button>
        <button disabled={busy || !live || recording} onClick={stop}>
          Stop
        </button>
        <button className="ghost" disabled={busy || recording} onClick={() => setFreq((hydrogenLine / 1e6).toFixed(4))} title="the 21 cm hydrogen line">
          HI
        </button>
      </div>
    </div>
  );
}

function Recorder({ station }: { station: StationView }) {
  const { status, client } = station;
  const rec = status?.recording ?? null;
  const [target, setTarget] = useState('');
  const [mode, setMode] = useState<'spectrum' | 'totalpower'>('spectrum');
  const [since, setSince] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!rec) return setSince(null);
    setSince((s) => s ?? Date.now());
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [rec?.id]);

  const start = () => client.call('record.start', { mode, ...(target.trim() ? { target: target.trim() } : {}) }).catch((err) => station.report(err, 'start recording'));
  const stop = () => client.call('record.stop').catch((err) => station.report(err, 'stop recording'));
  const elapsed = since ? Math.max(0, (now - since) / 1000) : 0;

  return (
    <div className={`panel recorder ${rec ? 'active' : ''}`}>
      <div className="panel-head">
        <h2>Record</h2>
        {rec ? <span className="muted small">observation #{rec.id}</span> : null}
      </div>
      {rec ? (
        <>
          <div className="rec-stats">
            <div>
              <div className="readout-label">Integrations</div>
              <div className="big" data-testid="rec-count">
                {rec.integrations}
              </div>
            </div>
            <div>
              <div className="readout-label">Elapsed</div>
              <div className="big">
                {Math.floor(elapsed / 60)}:{String(Math.floor(elapsed % 60)).padStart(2, '0')}
              </div>
            </div>
          </div>
          <div className="muted small">Target: {rec.target || '—'} · mode {rec.mode}</div>
          <button className="record stop" onClick={stop} data-testid="record">
            <span className="square" /> Stop recording
          </button>
        </>
      ) : (
        <>
          <label>
            <span>Target <span className="unit">optional</span></span>
            <input value={target} placeholder={status?.live?.kind === 'sim' ? 'Sun' : 'e.g. Cygnus arm, l = 80°'} onChange={(ev) => setTarget(ev.target.value)} maxLength={120} data-testid="target" />
          </label>
          <label>
            <span>Mode</span>
            <select value={mode} onChange={(ev) => setMode(ev.target.value as 'spectrum' | 'totalpower')} data-testid="rec-mode">
              <option value="spectrum">spectrum (spectral line, e.g. HI)</option>
              <option value="totalpower">total power (drift scan, sun)</option>
            </select>
          </label>
          <button className="record" disabled={!status?.live} onClick={start} data-testid="record">
            <span className="dot" /> Record
          </button>
          <div className="muted small">Each spectrum shown is stored as one integration (all channels, either mode) until you stop.</div>
        </>
      )}
    </div>
  );
}
