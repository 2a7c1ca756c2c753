/** The Live page: spectrum, waterfall, total power, tuning, recording, the sun; for a group, one input at a time and its baselines. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import type { SpectrumEvent } from '../../api/types.ts';
import { Plot, colors, inputColors, nightLayout } from '../components/Plot.tsx';
import { Waterfall } from '../components/Waterfall.tsx';
import { channelFrequencies, decibels, findHydrogenLine, formatCount, formatMHz, hiVelocityText, hydrogenLine, radioVelocity } from '../spectrum.ts';
import { inputLabels, isSimulated, type InputLabel } from '../inputs.ts';
import type { StationView } from '../station.ts';
import { Baselines } from './Baselines.tsx';
import { LiveFringes } from './LiveFringes.tsx';
import { dishReadout } from './Rotator.tsx';
import { lineFromDc, offsetCentre } from '../../api/tuning.ts';
import { dropTone, formatFraction } from '../drops.ts';
import { bandRange as passband } from '../band.ts';

type Axis = 'frequency' | 'velocity';

/** Spectra kept per input for the running mean: the Average menu's largest. */
const averageMost = 64;

/**
 * Running mean of the last `n` spectra of input `input` (same tuning), so the
 * faint line stands out of the noise. Every input's spectra are kept, so
 * switching inputs shows a full mean at once.
 */
function useAveraged(e: SpectrumEvent | null, n: number, input: number): { power: Float64Array; sk: Float32Array; count: number } | null {
  const buf = useRef<{ key: string; last: SpectrumEvent | null; rows: Float32Array[][] }>({ key: '', last: null, rows: [] });
  return useMemo(() => {
    if (!e || !e.power[input]) return null;
    const key = `${e.centerFrequency}/${e.sampleRate}/${e.channels}/${e.power.length}`;
    if (buf.current.key !== key) buf.current = { key, last: null, rows: e.power.map(() => []) };
    const b = buf.current;
    if (b.last !== e) {
      b.last = e;
      b.rows.forEach((rows, i) => {
        rows.push(e.power[i]!);
        if (rows.length > averageMost) rows.shift();
      });
    }
    const rows = b.rows[input]!.slice(-n);
    const power = new Float64Array(e.channels);
    for (const r of rows) for (let j = 0; j < power.length; j++) power[j]! += r[j]! / rows.length;
    return { power, sk: e.sk[input]!, count: rows.length };
  }, [e, n, input]);
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

/** After the gain: where the HI line sits from the DC spike (offset tuning), when it is in the band. */
function centreNote(t: { centerFrequency: number; sampleRate: number }): string {
  const where = lineFromDc(t.centerFrequency, t.sampleRate);
  return where ? ` · ${where}` : '';
}

const offsetTitle = 'offset tuning: the dongle is tuned an eighth of the band below the hydrogen line, so its DC spike (at the centre) stays off the line; the frequency axis reads sky frequency';

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
  // A group's inputs: the spectrum, its mean, the HI peak and the waterfall show one (0 for a single input).
  const inputs = e?.power.length ?? 1;
  const labels = useMemo(() => inputLabels(live, inputs), [live?.source, live?.name, inputs]);
  const [chosenInput, setInput] = useState(0);
  const input = chosenInput < inputs ? chosenInput : 0;
  const avg = useAveraged(e, average, input);

  // The sun: where it is now and when it next crosses the meridian, by the sky clock (the simulator's while it runs):
  // refreshed each 30 s, or each 2 s in a simulated sky that may run many times faster than real time.
  const [sun, setSun] = useState<Result<'station.sun'> | null>(null);
  const simulatedSky = sun?.sky.sky === 'simulator';
  useEffect(() => {
    if (station.connection !== 'open') return;
    const get = () => client.call('station.sun').then(setSun, () => {});
    get();
    const t = setInterval(get, simulatedSky ? 2_000 : 30_000);
    return () => clearInterval(t);
  }, [client, station.connection, status?.site, status?.scenario, live?.source, simulatedSky]);

  const line = useMemo(() => (avg && e ? findHydrogenLine(avg.power, e.centerFrequency, e.sampleRate, avg.sk) : null), [avg, e]);

  const spectrumPlot = useMemo(() => {
    if (!avg || !e) return null;
    const f = channelFrequencies(e.centerFrequency, e.sampleRate, e.channels);
    const x = axis === 'frequency' ? Array.from(f, (v) => v / 1e6) : Array.from(f, (v) => radioVelocity(v));
    // Kelvin when a calibration is current (the spectrum says when it was taken), else dB of the relative power.
    const kelvin = e.kelvin ?? null;
    const unit = kelvin ? 'K' : 'dB';
    const y = kelvin ? Array.from(avg.power) : Array.from(decibels(avg.power));
    const restX = axis === 'frequency' ? hydrogenLine / 1e6 : 0;
    // 'band': the passband's level ± a few dB, so a line a few tenths of a dB high is plain to see
    // (tones and the DC spike run off the top); 'full': everything, rolloff included.
    const fresh = passband(y);
    // Hold the range until it is off by more than 0.3 dB (1 % in K), so the axis does not twitch with the noise.
    const held = bandRange.current;
    const tol = kelvin && fresh ? 0.01 * Math.abs(fresh[1]!) : 0.3;
    if (fresh && (!held || Math.abs(held[0]! - fresh[0]!) > tol || Math.abs(held[1]! - fresh[1]!) > tol)) bandRange.current = fresh;
    const band = bandRange.current ?? undefined;
    const inBand = Math.abs(hydrogenLine - e.centerFrequency) < e.sampleRate / 2;
    const data: Partial<Plotly.PlotData>[] = [
      { x, y, type: 'scatter', mode: 'lines', name: inputs > 1 ? `input ${input}` : undefined, line: { color: colors.trace, width: 1.2 }, hovertemplate: axis === 'frequency' ? `%{x:.4f} MHz<br>%{y:.2f} ${unit}<extra></extra>` : `%{x:.1f} km/s<br>%{y:.2f} ${unit}<extra></extra>` },
    ];
    const layout = nightLayout({
      xaxis: { title: { text: axis === 'frequency' ? 'Frequency (MHz)' : 'Radio velocity, HI (km/s, topocentric)' }, autorange: axis === 'velocity' ? 'reversed' : true, tickformat: axis === 'frequency' ? '.2f' : undefined },
      yaxis: { title: { text: kelvin ? `Power (K; calibrated ${new Date(kelvin.time * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${kelvin.method})` : 'Power (dB, arbitrary)' }, ...(scale === 'band' && band ? { range: band, autorange: false } : { autorange: true }) },
      shapes: inBand ? [{ type: 'line', x0: restX, x1: restX, yref: 'paper', y0: 0, y1: 1, line: { color: colors.line, width: 1, dash: 'dot' } }] : [],
      annotations: inBand ? [{ x: restX, yref: 'paper', y: 1, text: 'HI rest', showarrow: false, xanchor: 'left', yanchor: 'top', font: { color: colors.line, size: 10 } }] : [],
      uirevision: `${axis}/${scale}`,
    });
    return { data, layout };
  }, [avg, e, axis, scale, e?.kelvin?.time]);

  const powerPlot = useMemo(() => {
    // The last `stripSeconds` of the history (kept for 20 minutes).
    const newest = history.time.at(-1) ?? 0;
    let first = history.time.length;
    while (first > 0 && history.time[first - 1]! >= newest - stripSeconds) first--;
    const x = history.time.slice(first).map((t) => t * 1000);
    const group = history.power.length > 1;
    // Kelvin when the newest spectrum is calibrated, else dB; only the points in that unit are drawn (the others gap).
    const kelvin = e?.kelvin ?? null;
    const inUnit = (p: number[]) => p.slice(first).map((v, k) => (!!history.kelvinAt[first + k] === !!kelvin ? v : NaN));
    // A group: one trace per input, in the input's colour, the one shown above drawn heavier.
    const data = history.power.map((p, i): Partial<Plotly.PlotData> => ({
      x,
      y: kelvin ? inUnit(p) : Array.from(decibels(inUnit(p))),
      type: 'scatter',
      mode: 'lines',
      name: group ? inputName(labels[i]) : 'total power',
      line: { color: inputColors[i % inputColors.length], width: group && i !== input ? 1 : 1.4 },
      hovertemplate: `${group ? `${inputName(labels[i])}<br>` : ''}%{x|%H:%M:%S} UTC<br>%{y:.3f} ${kelvin ? 'K' : 'dB'}<extra></extra>`,
    }));
    const legend = { orientation: 'h', x: 0, xanchor: 'left', y: 1, yanchor: 'bottom', font: { size: 11, color: colors.text } } as const;
    return {
      data,
      layout: nightLayout({
        xaxis: { type: 'date', title: { text: 'Time (UTC)' } },
        yaxis: { title: { text: kelvin ? 'Band mean (K)' : 'Total power (dB)' } },
        uirevision: 'tp',
        ...(group ? { showlegend: true, legend, margin: { l: 64, r: 16, t: 24, b: 44 } } : {}),
      }),
    };
    // history is mutated in place; its version says when it changed
  }, [history.version, stripSeconds, labels, input, e?.kelvin?.time]);

  const dropped = e?.dropped.reduce((a, b) => a + b, 0) ?? 0;
  const dropFraction = history.dropped + history.samples > 0 ? history.dropped / (history.dropped + history.samples) : 0;
  const clipped = e?.clipped.reduce((a, b) => a + b, 0) ?? 0;
  // Of all the samples in the last spectrum, every input's.
  const clipFraction = e ? clipped / (e.spectra * e.channels * inputs) : 0;

  return (
    <div className="live">
      <section className="readouts">
        <Readout label="Centre" value={live ? (live.tuning.centerFrequency / 1e6).toFixed(4) : '—'} unit="MHz" sub={live ? `gain ${live.tuning.gain === 'auto' ? 'auto' : `${live.tuning.gain} dB`}${centreNote(live.tuning)}` : 'live view stopped'} testId="centre" title={live ? offsetTitle : ''} />
        <Readout label="Bandwidth" value={live ? (live.tuning.sampleRate / 1e6).toFixed(3) : '—'} unit="MHz" sub={live ? `${live.channels} channels` : ''} />
        <Readout label="Resolution" value={live ? ((live.tuning.sampleRate / live.channels) / 1e3).toFixed(2) : '—'} unit="kHz" sub={live ? `${((live.tuning.sampleRate / live.channels / hydrogenLine) * 299792.458).toFixed(2)} km/s at HI` : ''} title={live ? `${live.channels} channels, ${live.taps} taps, ${live.backend} backend` : ''} />
        <Readout
          label={inputs > 1 ? `HI peak · input ${input}` : 'HI peak'}
          testId="hi-peak"
          value={line ? `${(line.frequency / 1e6).toFixed(4)}` : '—'}
          unit={line ? 'MHz' : ''}
          sub={line ? `${hiVelocityText(line.velocity, live?.lsr?.correction_kms)} · +${(line.excess * 100).toFixed(0)} %` : 'no line above the noise'}
          title="the smoothed spectrum's highest point within ±1 MHz of the rest frequency, its radio velocity in the LSR (topocentric when the pointing is unknown), and how far it stands over the band's median"
        />
        <Readout
          label="Dropped"
          testId="dropped"
          value={history.spectra ? formatFraction(dropFraction).replace(/ %$/, '') : '—'}
          unit="%"
          sub={history.spectra ? `${history.dropped ? `${formatCount(history.dropped)} samples` : 'none'}${history.since !== null ? ` since ${utc(history.since * 1000)}` : ''}` : ''}
          tone={dropped > 0 ? 'bad' : dropTone(history.dropped, dropFraction)}
          title={`samples lost because processing fell behind, all inputs, since the live view started: ${formatCount(history.dropped)} of ${formatCount(history.samples + history.dropped)} in ${formatCount(history.spectra)} integrations; in the last one: ${formatCount(dropped)}`}
        />
        <Readout label="Clipped" testId="clipped" value={(clipFraction * 100).toFixed(clipFraction > 0 && clipFraction < 0.001 ? 4 : 2)} unit="%" sub={`${formatCount(clipped)} samples`} tone={clipFraction > 0.001 ? 'warn' : 'ok'} title="samples at the 8-bit limits in the last spectrum: lower the gain if this grows" />
        {/* The sun the dish sees: the simulated sky's while the simulator is live (its own site and time), else the site's now. */}
        <Readout
          label={sun?.sky.sky === 'simulator' ? 'Sun · simulated sky' : 'Sun'}
          testId="sun"
          value={sun ? `${sun.sky.el.toFixed(1)}°` : '—'}
          unit="elevation"
          sub={sun ? `azimuth ${sun.sky.az.toFixed(1)}°${sun.sky.el < 0 ? ', set' : ''}` : ''}
          title={sun?.sky.sky === 'simulator' ? `the simulator's sky; at ${status?.site.name ?? 'your site'} the sun is at elevation ${sun.el.toFixed(1)}° now` : status ? `seen from ${status.site.name}` : ''}
        />
        <Readout label="Dish" testId="dish" {...dishReadout(station)} title="where the rotator points (azimuth / elevation, degrees); connect and move it on the Station page" />
        <Readout label={simulatedSky ? 'Next transit · sky time' : 'Next transit'} testId="next-transit" value={sun ? utc(sun.nextTransit.time) : '—'} sub={sun ? `at elevation ${sun.nextTransit.el.toFixed(1)}°` : ''} title={simulatedSky ? "the sun crosses the meridian at the simulator's site, by its sky clock (the times on this page are sky time): the middle of a drift scan" : 'the sun crosses the meridian: the middle of a drift scan'} />
      </section>

      <section className="panel spectrum-panel">
        <div className="panel-head">
          <h2>Spectrum</h2>
          {inputs > 1 ? <InputPicker labels={labels} input={input} onPick={setInput} /> : null}
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
              <select value={average} onChange={(ev) => setAverage(Number(ev.target.value))} data-testid="average">
                {[1, 4, 8, 16, 32, 64].map((n) => (
                  <option key={n} value={n}>
                    {n === 1 ? 'off' : `${n} spectra`}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted small" data-testid="average-count">{e ? `${avg?.count ?? 0} × ${(e.spectra * e.channels / e.sampleRate).toFixed(2)} s` : ''}</span>
          </div>
        </div>
        {spectrumPlot ? <Plot testId="spectrum-plot" data={spectrumPlot.data} layout={spectrumPlot.layout} /> : <div className="plot empty">{station.connection !== 'open' ? 'Not connected to the station.' : live ? 'Waiting for the first spectrum…' : 'The live view is stopped. Start it from the Tuning controls.'}</div>}
      </section>

      <aside className="side">
        <Controls station={station} />
        <Recorder station={station} />
        {e?.baselines?.length ? <Baselines spectrum={e} history={history.baselines} labels={labels} /> : null}
      </aside>

      <section className="panel waterfall-panel">
        <div className="panel-head">
          <h2>Waterfall</h2>
          {inputs > 1 ? <span className="muted small" data-testid="waterfall-input">{inputName(labels[input])}</span> : null}
        </div>
        <Waterfall spectrum={e} rows={history.rows[input] ?? []} />
      </section>
      {e?.baselines?.length ? <LiveFringes history={history.baselines} labels={labels} tracking={status?.groupTracking} /> : null}

      <section className="panel power-panel">
        <div className="panel-head">
          <h2>Total power</h2>
          <span className="muted small" data-testid="power-unit">band power{inputs > 1 ? ' of each input' : ''}, DC, band edges and RFI-flagged channels excluded{e?.kelvin ? `; in K (the channels' mean), calibrated ${new Date(e.kelvin.time * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC (${e.kelvin.method})` : ''}</span>
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

/** "input 1 · east", or "input 1" where the input has no antenna name. */
function inputName(l: InputLabel | undefined): string {
  return l ? `input ${l.index}${l.antenna ? ` · ${l.antenna}` : ''}` : '';
}

/** A group's inputs as segmented buttons: number, antenna name where known, and the colour of its total-power trace. */
function InputPicker(p: { labels: InputLabel[]; input: number; onPick(i: number): void }) {
  return (
    <div className="seg inputs" role="group" aria-label="input shown" data-testid="input-picker">
      {p.labels.map((l) => (
        <button key={l.index} className={l.index === p.input ? 'on' : ''} onClick={() => p.onPick(l.index)} title={`input ${l.index}: ${l.member}`} data-testid={`input-${l.index}`}>
          <span className="swatch" style={{ background: inputColors[l.index % inputColors.length] }} />
          <b>{l.index}</b>
          {l.antenna ? <span>{l.antenna}</span> : null}
        </button>
      ))}
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
  const [freq, setFreq] = useState((offsetCentre(2.4e6) / 1e6).toFixed(4));
  const [gain, setGain] = useState<string>('40.2');
  const [rate, setRate] = useState(2.4e6);
  const [busy, setBusy] = useState(false);
  /** Why 'HI here' tuned where it did, until the next tuning. */
  const [hiWhy, setHiWhy] = useState<string | null>(null);
  useEffect(() => {
    if (!live) return;
    setFreq((live.tuning.centerFrequency / 1e6).toFixed(4));
    setGain(String(live.tuning.gain));
    setRate(live.tuning.sampleRate);
  }, [live?.tuning.centerFrequency, live?.tuning.gain, live?.tuning.sampleRate]);
  const recording = !!station.status?.recording;

  const tune = async (text: string) => {
    const f = Number(text) * 1e6;
    if (!Number.isFinite(f) || f <= 0) return station.report(new Error(`'${text}' is not a frequency in MHz`), 'tune', 'live');
    setBusy(true);
    await station.call('live.start', { source: live?.source ?? 'sim', ...sameBackend(live), tuning: { centerFrequency: f, sampleRate: rate, gain: gain === 'auto' ? 'auto' : Number(gain) } }, 'retune');
    setBusy(false);
  };
  const apply = () => {
    setHiWhy(null);
    return tune(freq);
  };
  // The HI button tunes (offset: the line an eighth of the band above the DC spike), not only fills the field.
  const tuneHi = () => {
    const text = (offsetCentre(rate) / 1e6).toFixed(6);
    setFreq(text);
    setHiWhy(null);
    return tune(text);
  };
  // 'HI here': tuned for the HI at the dish's pointing (its emission window mid-band, line-free channels on both sides).
  const pointing = live?.lsr && live.lsr.l !== null && live.lsr.b !== null ? { l: live.lsr.l, b: live.lsr.b } : null;
  const tuneHiHere = async () => {
    const t = await station.call('hi.tuning', { sampleRate: rate }, 'find the HI tuning for the pointing');
    if (!t) return;
    const text = (t.centerFrequency / 1e6).toFixed(6);
    setFreq(text);
    setHiWhy(`l ${t.l.toFixed(1)}°, b ${t.b.toFixed(1)}°: ${t.why}`);
    return tune(text);
  };
  const stop = async () => {
    setBusy(true);
    await station.call('live.stop', {}, 'stop the live view');
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
        <button className="ghost" disabled={busy || recording || station.connection !== 'open'} onClick={tuneHi} title="tune to the 21 cm hydrogen line, offset: the line an eighth of the band above the centre, away from the DC spike" data-testid="tune-hi">
          HI
        </button>
        {pointing ? (
          <button className="ghost" disabled={busy || recording || station.connection !== 'open'} onClick={() => void tuneHiHere()} title={`tune for the HI at the dish's pointing (l ${pointing.l.toFixed(1)}°, b ${pointing.b.toFixed(1)}°): the velocities its emission can have there mid-band, line-free channels on both sides for the baseline`} data-testid="tune-hi-here">
            HI here
          </button>
        ) : null}
      </div>
      {hiWhy ? <p className="note" data-testid="tune-hi-why">{hiWhy}</p> : null}
    </div>
  );
}

function Recorder({ station }: { station: StationView }) {
  const { status, client } = station;
  const rec = status?.recording ?? null;
  const [target, setTarget] = useState('');
  const [mode, setMode] = useState<'spectrum' | 'totalpower' | 'raw'>('spectrum');
  const [duration, setDuration] = useState('');
  const group = (status?.live && status.live.kind === 'group') || false;
  const [since, setSince] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!rec) return setSince(null);
    setSince((s) => s ?? Date.now());
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [rec?.id]);

  const start = () => {
    const d = duration.trim();
    const seconds = d === '' ? undefined : Number(d);
    if (seconds !== undefined && !(seconds > 0 && seconds <= 7 * 86_400)) return station.report(new Error(`'${d}' is not a duration in seconds (above 0, at most a week), or leave it empty to record until you stop`), 'recording', 'live');
    return station.call('record.start', { mode, ...(target.trim() ? { target: target.trim() } : {}), ...(seconds !== undefined ? { seconds } : {}) }, 'start recording');
  };
  const stop = () => station.call('record.stop', {}, 'stop recording');
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
            {rec.samples !== undefined ? (
              <div title="samples written to the SigMF file, as seconds at the sample rate">
                <div className="readout-label">Recorded</div>
                <div className="big" data-testid="rec-count">
                  {(rec.samples / (status?.live?.tuning.sampleRate ?? 1)).toFixed(1)}
                  <span className="unit"> s</span>
                </div>
              </div>
            ) : (
              <div>
                <div className="readout-label">Integrations</div>
                <div className="big" data-testid="rec-count">
                  {rec.integrations}
                </div>
              </div>
            )}
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
            <input value={target} placeholder={status?.live && isSimulated(status.live) ? 'Sun' : 'e.g. Cygnus arm, l = 80°'} onChange={(ev) => setTarget(ev.target.value)} maxLength={120} data-testid="target" />
          </label>
          <label>
            <span>Mode</span>
            <select value={mode} onChange={(ev) => setMode(ev.target.value as 'spectrum' | 'totalpower' | 'raw')} data-testid="rec-mode">
              <option value="spectrum">spectrum (spectral line, e.g. HI)</option>
              <option value="totalpower">total power (drift scan, sun)</option>
              <option value="raw" disabled={group}>
                raw IQ (SigMF, reprocess later){group ? ': one dongle only' : ''}
              </option>
            </select>
          </label>
          <label>
            <span>Duration <span className="unit">s, optional</span></span>
            <input className="narrow" inputMode="decimal" value={duration} placeholder="until stopped" onChange={(ev) => setDuration(ev.target.value)} data-testid="rec-duration" />
          </label>
          <button className="record" disabled={!status?.live} onClick={start} data-testid="record">
            <span className="dot" /> Record
          </button>
          <div className="muted small">
            {mode === 'raw'
              ? 'The samples themselves go to a SigMF file in the data folder (4.8 MB a second at 2.4 MS/s); reprocess them on the Observations page with any settings.'
              : `Each spectrum shown is stored as one integration (all channels, either mode) ${duration.trim() ? `for ${duration.trim()} s of samples` : 'until you stop'}.`}
          </div>
        </>
      )}
    </div>
  );
}
