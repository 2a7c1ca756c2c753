/**
 * The Drift wizard (issue 12): the classic first experiment, in four steps.
 * 1 Set up: the site (the station's; the simulator's sky when it observes),
 *   the dish, the frequency, the day's solar flux as published (RSTN 1415
 *   MHz, Penticton F10.7) and its log–log value at the observing frequency
 *   (`drift.flux`). 2 Calibration to kelvin: noise diode, hot load, or the
 *   sun itself (its entered flux and the dish's efficiency and diameter).
 * 3 Plan (`drift.plan`: the passage, where the dish points and when; a dish
 *   without a mount is told where to point) and Start (`drift.run`), with
 *   the power in K against the sun's offset plotted live from the 'drift'
 *   events. 4 The result (DriftResult.tsx).
 */
import { useEffect, useMemo, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import { CallError } from '../api.ts';
import { Plot, colors, nightLayout } from '../components/Plot.tsx';
import { addPoint, azEl, emptyPoints, phaseWords, publishedFlux, utc, type DriftEvent, type LivePoints } from '../drift.ts';
import { isSimulated } from '../inputs.ts';
import type { StationView } from '../station.ts';
import { DriftResult } from './DriftResult.tsx';
import '../drift.css';

type Plan = Result<'drift.plan'>;
type Flux = Result<'drift.flux'>;
type Method = 'noise-diode' | 'hot-load' | 'sun';
type Step = 1 | 2 | 3 | 4;

const stepNames: Record<Step, string> = { 1: 'Set up', 2: 'Calibrate', 3: 'Plan & run', 4: 'Result' };

const message = (err: unknown) => (err instanceof CallError || err instanceof Error ? err.message : String(err));

export function Drift({ station }: { station: StationView }) {
  const [step, setStep] = useState<Step>(1);
  const [diameter, setDiameter] = useState('');
  const [efficiency, setEfficiency] = useState('0.6');
  const [rstn, setRstn] = useState('');
  const [f107, setF107] = useState('');
  const [method, setMethod] = useState<Method>('noise-diode');
  const [diodeK, setDiodeK] = useState('');
  // What observes: the simulator (its sky and mount), or the station's live dongle (chosen here, kept while the drift borrows it).
  const [source, setSource] = useState<string | null>(null);
  const [biasTee, setBiasTee] = useState(false);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [flux, setFlux] = useState<Flux | null>(null);
  const [fluxError, setFluxError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<DriftEvent | null>(null);
  const [points, setPoints] = useState<LivePoints>(emptyPoints);
  const [runError, setRunError] = useState<string | null>(null);
  const [result, setResult] = useState<Result<'drift.run'> | null>(null);
  const [stopping, setStopping] = useState(false);
  const open = station.connection === 'open';
  const liveReal = station.status?.live && !isSimulated(station.status.live) ? station.status.live : null;
  const sources = [...new Set([...(liveReal ? [liveReal.source] : []), ...(source ? [source] : [])])];
  const sourcePart = source ? { source, ...(method === 'noise-diode' && biasTee ? { diodeSwitch: 'bias-tee' as const } : {}) } : {};

  const dish = diameter.trim() === '' ? undefined : Number(diameter);
  // The noise diode's excess temperature as entered (K); empty: the simulator's own (a real dish's plan then asks for it).
  const diode = method === 'noise-diode' && diodeK.trim() !== '' ? Number(diodeK) : undefined;
  const diodeProblem = diode !== undefined && !(diode > 0 && diode <= 1e5) ? "the noise diode's excess temperature is in kelvin, above 0 and at most 100000" : null;
  const eff = Number(efficiency);
  const setupProblem =
    dish !== undefined && !(dish >= 0.05 && dish <= 500) ? 'the dish diameter is in metres, 0.05 to 500'
      : !(eff > 0 && eff <= 1) ? 'the aperture efficiency is a fraction above 0 and at most 1 (a small dish: 0.5–0.65)'
        : null;

  // The plan for these settings, from the station (the ephemeris, the simulator's sky and mount).
  useEffect(() => {
    if (!open || setupProblem || diodeProblem) return;
    let live = true;
    station.client.call('drift.plan', { ...sourcePart, ...(dish !== undefined ? { diameter: dish } : {}), calibration: method, ...(diode !== undefined ? { diodeK: diode } : {}) }).then(
      (p) => live && (setPlan(p), setPlanError(null)),
      (err) => live && (setPlan(null), setPlanError(message(err))),
    );
    return () => {
      live = false;
    };
  }, [open, dish, method, diode, source, biasTee, setupProblem, diodeProblem, station.client]);

  // The day's flux at the observing frequency, from what was entered.
  const entered = publishedFlux(rstn, f107);
  const enteredKey = JSON.stringify(entered.published);
  useEffect(() => {
    if (!open || !plan || entered.problem || entered.published.length === 0) {
      setFlux(null);
      setFluxError(entered.problem);
      return;
    }
    let live = true;
    station.client.call('drift.flux', { published: entered.published, mhz: plan.frequency / 1e6 }).then(
      (f) => live && (setFlux(f), setFluxError(null)),
      (err) => live && (setFlux(null), setFluxError(message(err))),
    );
    return () => {
      live = false;
    };
  }, [open, plan?.frequency, enteredKey, entered.problem, station.client]);

  useEffect(() => station.client.on('drift', (e) => {
    setProgress(e);
    setPoints((p) => addPoint(p, e));
  }), [station.client]);

  const start = async () => {
    setRunning(true);
    setRunError(null);
    setResult(null);
    setProgress(null);
    setPoints(emptyPoints());
    try {
      const r = await station.client.call('drift.run', {
        ...sourcePart, efficiency: eff, calibration: method, ...(dish !== undefined ? { diameter: dish } : {}), ...(diode !== undefined ? { diodeK: diode } : {}), ...(flux ? { flux: Number(flux.sfu.toPrecision(4)) } : {}),
      });
      setResult(r);
      setStep(4);
    } catch (err) {
      setRunError(message(err));
    } finally {
      setRunning(false);
    }
  };

  const live = useMemo(() => ({
    data: [
      { x: points.drift.x, y: points.drift.y, type: 'scatter', mode: 'markers', name: 'drift', marker: { color: colors.trace, size: 4 }, hovertemplate: '%{x:.2f}°<br>%{y:.1f} K<extra>drift</extra>' },
      { x: points.scan.x, y: points.scan.y, type: 'scatter', mode: 'markers', name: 'elevation scan', marker: { color: colors.second, size: 6 }, hovertemplate: '%{x:.2f}°<br>%{y:.1f} K<extra>el scan</extra>' },
    ] as Partial<Plotly.PlotData>[],
    layout: nightLayout({
      showlegend: true, legend: { orientation: 'h', x: 0, y: 1.12, font: { size: 11 } },
      xaxis: { title: { text: "Sun's offset from the pointing (° on the sky)" } }, yaxis: { title: { text: 'Total power (K)' } },
    }),
  }), [points]);

  // The sun as calibrator: its antenna temperature comes from the entered flux, the efficiency and the diameter.
  const calProblem = method === 'sun' && !flux ? "calibrating on the sun needs the day's solar flux: enter it in step 1 (RSTN or F10.7)" : diodeProblem;
  // A real dongle's plan waits for its calibration's inputs (the diode's temperature and switch, step 2): set up may go on.
  const waitsForCalibration = !plan && !!source && !!planError && /noise diode|hot load|bias tee|calibrat/i.test(planError);
  const canNext = step === 1 ? !setupProblem && (!!plan || waitsForCalibration) : step === 2 ? !!plan && !calProblem : false;

  const stop = async () => {
    setStopping(true);
    try {
      await station.client.call('drift.stop', {});
    } catch (err) {
      setRunError(message(err));
    } finally {
      setStopping(false);
    }
  };

  return (
    <section className="drift-wizard" data-testid="drift-page">
      <ol className="drift-steps" aria-label="steps">
        {([1, 2, 3, 4] as Step[]).map((s) => (
          <li key={s} className={s === step ? 'on' : s < step ? 'done' : ''}>
            <button className="ghost" disabled={running || (s === 4 ? !result : s > step && !(s === step + 1 && canNext))} onClick={() => setStep(s)} data-testid={`drift-step-${s}`}>
              <span className="drift-step-n">{s}</span> {stepNames[s]}
            </button>
          </li>
        ))}
      </ol>

      {step === 1 ? (
        <div className="panel drift-card" data-testid="drift-setup">
          <h3>Set up: where, with what, and the sun today</h3>
          <p className="muted small">
            The sun drifts through a dish that holds still; its passage gives the beam's width, where the dish really points, the system temperature and the sun's flux, which you compare with what observatories measured today.
          </p>
          <dl className="facts" data-testid="drift-site">
            <dt>Site</dt>
            <dd>
              {plan ? `${plan.simulated ? "the simulator's sky" : station.status?.site.name ?? 'the station'}: ${Math.abs(plan.site.lat).toFixed(2)}° ${plan.site.lat >= 0 ? 'N' : 'S'}, ${Math.abs(plan.site.lon).toFixed(2)}° ${plan.site.lon >= 0 ? 'E' : 'W'}` : '…'}
              {plan?.simulated && station.status ? <span className="muted small"> (the station's own site, {station.status.site.name}, is used with a real dish)</span> : null}
            </dd>
            <dt>Observe with</dt>
            <dd>
              <select value={source ?? ''} onChange={(e) => setSource(e.target.value || null)} data-testid="drift-source">
                <option value="">the simulator (its sky and its mount)</option>
                {sources.map((s) => <option key={s} value={s}>this station's dongle, {s}</option>)}
              </select>
              {source ? <span className="muted small"> The live view lends it to the drift and comes back on it afterwards; a rotator connected on the Station page points the dish, else the plan says where to point it.</span>
                : sources.length === 0 ? <span className="muted small"> (a dongle or rtl_tcp server in the live view can be chosen here)</span> : null}
            </dd>
            <dt>Frequency</dt>
            <dd data-testid="drift-frequency">{plan ? `${(plan.frequency / 1e6).toFixed(3)} MHz` : '…'} <span className="muted small">(the station's tuning)</span></dd>
          </dl>
          <div className="row drift-fields">
            <label>
              Dish diameter (m)
              <input value={diameter} onChange={(e) => setDiameter(e.target.value)} inputMode="decimal" placeholder={plan ? `${plan.diameter} (the ${plan.simulated ? "simulator's" : 'planned'} dish)` : ''} data-testid="drift-diameter" />
            </label>
            <label>
              Aperture efficiency (0–1)
              <input value={efficiency} onChange={(e) => setEfficiency(e.target.value)} inputMode="decimal" data-testid="drift-efficiency" />
            </label>
          </div>
          <h3>The day's solar flux</h3>
          <p className="muted small">
            Enter today's noon value from <a href="https://www.ngdc.noaa.gov/stp/space-weather/solar-data/solar-features/solar-radio/noontime-flux/" target="_blank" rel="noreferrer">RSTN (1415 MHz)</a> and/or{' '}
            <a href="https://www.spaceweather.gc.ca/forecast-prevision/solar-solaire/solarflux/sx-en.php" target="_blank" rel="noreferrer">Penticton F10.7 (2800 MHz)</a>; Fringe interpolates log–log in frequency to yours. Optional: without it the flux is measured but not compared.
          </p>
          <div className="row drift-fields">
            <label>
              RSTN 1415 MHz (sfu)
              <input value={rstn} onChange={(e) => setRstn(e.target.value)} inputMode="decimal" placeholder="e.g. 70" data-testid="drift-rstn" />
            </label>
            <label>
              Penticton F10.7 (sfu)
              <input value={f107} onChange={(e) => setF107(e.target.value)} inputMode="decimal" placeholder="e.g. 110" data-testid="drift-f107" />
            </label>
          </div>
          <p data-testid="drift-flux">
            {flux && plan ? (
              <>At {(plan.frequency / 1e6).toFixed(1)} MHz: <strong>{flux.sfu.toFixed(1)} sfu</strong>{' '}
                <span className="muted small">({flux.from.length === 1 ? `${flux.from[0]!.mhz} MHz as is` : `log–log between ${flux.from.map((f) => `${f.mhz} MHz`).join(' and ')}`}{flux.extrapolated ? ', extrapolated: enter a value on each side for a better estimate' : ''})</span></>
            ) : fluxError ? <span className="danger-text">{fluxError}</span> : <span className="muted small">No flux entered.</span>}
          </p>
          {setupProblem || (planError && !waitsForCalibration) ? <p className="danger-text" data-testid="drift-error">{setupProblem ?? planError}</p> : null}
          <div className="row buttons"><button className="primary" disabled={!canNext} onClick={() => setStep(2)} data-testid="drift-next">Next: calibration</button></div>
        </div>
      ) : null}

      {step === 2 ? (
        <div className="panel drift-card" data-testid="drift-calibrate">
          <h3>Calibrate to kelvin</h3>
          <p className="muted small">Power from a receiver is in arbitrary units until two known temperatures are compared. The station does it at the start of the measurement, then scales every integration to kelvin.</p>
          <div className="choices">
            <label className={`choice ${method === 'noise-diode' ? 'on' : ''}`}>
              <input type="radio" name="cal" checked={method === 'noise-diode'} onChange={() => setMethod('noise-diode')} data-testid="drift-cal-noise-diode" />
              <span>
                <strong>Noise diode</strong>{plan?.diodeK ? <span className="muted"> ({plan.diodeK} K excess)</span> : null}
                <br /><span className="muted small">The station reads the sky, switches the diode on (it adds a known temperature), reads again and switches it off: the difference is the gain in K per unit, and the sky reading gives T_sys.</span>
                {method === 'noise-diode' ? (
                  <span className="drift-diode">
                    <span>Excess temperature (K)</span>
                    <input aria-label="noise diode excess temperature (K)" value={diodeK} onChange={(e) => setDiodeK(e.target.value)} inputMode="decimal" placeholder={plan?.diodeK && diodeK.trim() === '' ? `${plan.diodeK} (the simulator's)` : "from the diode's data sheet"} data-testid="drift-diode" />
                    <span className="muted small">An ENR of E dB is 290·10^(E/10) K.</span>
                    {source ? (
                      <label className="small">
                        <input type="checkbox" checked={biasTee} onChange={(e) => setBiasTee(e.target.checked)} data-testid="drift-bias-tee" /> the diode is powered through the dongle's bias tee (the station switches it; not when the bias tee powers the LNA)
                      </label>
                    ) : null}
                  </span>
                ) : null}
              </span>
            </label>
            <label className={`choice ${method === 'hot-load' ? 'on' : ''}`}>
              <input type="radio" name="cal" checked={method === 'hot-load'} onChange={() => setMethod('hot-load')} data-testid="drift-cal-hot-load" />
              <span>
                <strong>Hot load (Y-factor)</strong>
                <br /><span className="muted small">An absorber at ambient temperature (290 K) in front of the feed against the cold sky (10 K): the ratio of the two powers gives the receiver's and the system's temperature.</span>
              </span>
            </label>
            <label className={`choice ${method === 'sun' ? 'on' : ''}`}>
              <input type="radio" name="cal" checked={method === 'sun'} onChange={() => setMethod('sun')} data-testid="drift-cal-sun" />
              <span>
                <strong>The sun</strong>{flux ? <span className="muted"> ({flux.sfu.toFixed(1)} sfu, efficiency {efficiency}, {dish ?? plan?.diameter ?? '?'} m)</span> : null}
                <br /><span className="muted small">The mount points the dish on the sun's centre and beside it: the sun adds T_A = η·πD²/4·S/(2k) from the flux, efficiency and diameter you entered. Needs a mount. The measured flux then repeats the entered one and does not check it.</span>
              </span>
            </label>
          </div>
          {calProblem || planError ? <p className="danger-text" data-testid="drift-error">{calProblem ?? planError}</p> : null}
          <div className="row buttons">
            <button onClick={() => setStep(1)}>Back</button>
            <button className="primary" disabled={!canNext} onClick={() => setStep(3)} data-testid="drift-next">Next: plan</button>
          </div>
        </div>
      ) : null}

      {step === 3 && plan ? (
        <div className="panel drift-card" data-testid="drift-plan">
          <h3>Plan</h3>
          <dl className="facts">
            <dt>Sun's transit</dt><dd data-testid="drift-transit">{utc(plan.transit.time)}, elevation {plan.transit.el.toFixed(1)}°</dd>
            <dt>Dish points at</dt><dd data-testid="drift-aim">{azEl(plan.plan.aim)}, where the sun will be at {utc(plan.plan.passage)}</dd>
            <dt>Drift</dt><dd>{plan.plan.spanMinutes.toFixed(0)} min of sky time around the passage (the sun crosses ±3 widths of a {plan.plan.plannedBeamDeg.toFixed(1)}° beam)</dd>
            {plan.plan.scanOffsets.length ? <><dt>Then</dt><dd>an elevation scan across the sun while tracking it, {plan.plan.scanOffsets.length} steps from {plan.plan.scanOffsets[0]!.toFixed(1)}° to {plan.plan.scanOffsets.at(-1)!.toFixed(1)}°</dd></> : null}
            <dt>Who points</dt>
            <dd>{plan.mount === 'rotator' ? 'the connected rotator: it slews to the aim before recording, then steps across the sun in elevation' : plan.mount === 'simulator' ? `the simulator's mount, on its sky clock (${plan.clockSpeed.toFixed(0)}× real time: the drift takes seconds)` : 'you: there is no mount'}</dd>
          </dl>
          {plan.notices.map((n) => <p key={n} className="banner notice drift-notice" data-testid="drift-notice">{n}</p>)}
          <div className="row buttons">
            <button onClick={() => setStep(2)} disabled={running}>Back</button>
            <button className="primary" onClick={() => void start()} disabled={running || !open || !!calProblem} data-testid="drift-start">{running ? 'Measuring…' : 'Start'}</button>
            {running ? <button className="danger" onClick={() => void stop()} disabled={stopping} data-testid="drift-stop">{stopping ? 'Stopping…' : 'Stop'}</button> : null}
          </div>
          {progress || running ? (
            <div className="drift-progress" data-testid="drift-progress">
              <div className="small">{progress ? phaseWords[progress.phase] : 'Opening the source…'} {progress ? <span className="muted mono">{progress.done} / {progress.total}</span> : null}</div>
              <div className="drift-bar"><span style={{ width: `${progress ? (100 * progress.done) / progress.total : 0}%` }} /></div>
            </div>
          ) : null}
          <Plot testId="drift-live" data={live.data} layout={live.layout} className="plot medium" />
          {runError ? <p className="danger-text" data-testid="drift-error">{runError}</p> : null}
        </div>
      ) : null}

      {step === 4 && result ? <DriftResult station={station} result={result} onAgain={() => setStep(1)} /> : null}
    </section>
  );
}
