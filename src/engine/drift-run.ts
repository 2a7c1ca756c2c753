/**
 * The sun-drift measurement, live (experiments.md, "Sun drift scan"): plan
 * from the ephemeris, point ahead of the sun, calibrate to kelvin, let the
 * sun drift through the beam, then step across it in elevation while
 * tracking it, all in one observation; then the analysis of a stored drift
 * (engine/drift.ts, analysis/drift.ts) reads it back like any other.
 *
 * Timeline, in integrations of the session (sky time, so a simulated sky
 * runs it in seconds): calibration (reference, then the noise diode on or
 * the hot load in: `calibrationIntegrations` each after `settle` discarded),
 * the drift (`driftPoints` integrations spanning ±3 planned widths of the
 * sun's track, centred on the sun's passage through the aim), then an
 * elevation scan of `scanSteps` steps of `scanDwell` integrations each.
 *
 * Where the dish points: the station's connected rotator when one is given
 * (slewed to the aim before recording and held there, then stepped across
 * the sun for the elevation scan; the pointing recorded is the position the
 * rotator reports, and the simulator's dish follows that rotator, its hidden
 * pointingError added); else, on the simulator, a planned mount
 * (`PlannedMount`) that the simulator follows and whose commanded position
 * is recorded; a real source without a rotator is told where to point and
 * when, and measures the drift alone (no elevation scan).
 *
 * The rotator is commanded the sun's own positions, without the station's
 * stored pointing correction (Station.rotatorGoto applies it; the drift calls
 * the RotatorControl directly): the drift measures the pointing error, and
 * a corrected mount would measure what is left of it after the last
 * correction, which the stored correction (savePointingCorrection) would then
 * wrongly replace.
 */
import type { BackendChoice, Integration } from '../../correlator/types.ts';
import { loadScenario, parseScenario, startTime, type Scenario } from '../../devices/sim/scenario.ts';
import { Store } from '../../observations/store/store.ts';
import { analyseDrift, type DriftResult } from '../analysis/drift.ts';
import type { CalibrationMethod, DriftPlan, DriftPlanView, DriftProgress, DriftRunResult } from '../api/types.ts';

export type { CalibrationMethod, DriftPlan, DriftProgress, DriftRunResult };
import { convolvedFwhm, sunDiameterDeg } from '../analysis/beam.ts';
import { antennaTemperature, noiseDiode, sunCalibration, yFactor, type KelvinCalibration } from '../analysis/kelvin.ts';
import { FitError } from '../analysis/lsq.ts';
import { countsVariance } from '../analysis/estimators.ts';
import { radiometerCheck, type RadiometerCheck } from '../analysis/radiometer.ts';
import { nextSunTransit, sunPosition } from '../astro/sun.ts';
import { loadDrift } from './drift.ts';
import { describeAim } from './pointing.ts';
import { Session } from './session.ts';
import { loadSettings } from './settings.ts';
import { savePointingCorrection } from './pointing-correction.ts';
import { resolveTarget } from '../../devices/rotator/index.ts';
import type { RotatorControl } from './rotator.ts';

const speedOfLight = 299_792_458;
/** The sun's rate along its track (degrees per hour of sky time at δ = 0): 360° per solar day. */
const sunRate = 15.041;
/** The lowest elevation (degrees) the elevation scan steps to: below it the ground fills a small dish's beam. */
export const minScanElevation = 10;

export class DriftRunError extends Error {
  override name = 'DriftRunError';
}


export interface DriftRunOptions {
  /** Source spec (sim, rtlsdr:0, …). */
  source: string;
  /** Simulator scenario file (sim sources). */
  scenario?: string;
  dataDir: string;
  /** The dish's diameter (m); the simulator's scenario antenna's when not given. */
  diameter?: number;
  /** The dish's aperture efficiency, for the flux (entered). */
  efficiency?: number;
  /** The day's solar flux at this frequency (sfu, entered), for the comparison. */
  flux?: number;
  /** How to calibrate (default: the noise diode). */
  calibration?: CalibrationMethod;
  /** The noise diode's excess temperature (K, its data sheet's); the simulator's scenario's when not given. */
  diodeTemperature?: number;
  /**
   * How the station switches the noise diode: 'bias-tee' — the dongle's bias tee powers it (a real station's usual
   * diode; never where the bias tee powers an LNA, which switching would cut). Default: the simulator's own switch;
   * a real dongle needs 'bias-tee'.
   */
  diodeSwitch?: 'bias-tee';
  /** Y-factor: the hot load's and the cold sky's temperatures (K, entered; default 290 and 10). */
  hotTemperature?: number;
  coldTemperature?: number;
  backend?: BackendChoice;
  /** Tuner gain (dB); default: one that keeps the sun's peak inside the 8-bit range (driftGain). */
  gain?: number;
  /** Channels (default 64). */
  channels?: number;
  /** Integrations across the drift (default 160). */
  driftPoints?: number;
  /** Simulator: seconds of samples the drift takes (the sky clock runs so much faster; default 16). */
  simSeconds?: number;
  signal?: AbortSignal;
  onProgress?: (p: DriftProgress) => void;
  /** Told what to do (point a fixed dish), and of notices. */
  onNotice?: (n: string) => void;
  /**
   * The station's connected rotator: it points the dish (the simulator's dish follows it). Commanded without the
   * stored pointing correction (the drift measures the error). None: the simulator's planned mount, or the user by hand.
   */
  rotator?: RotatorControl | null;
}




/**
 * A tuner gain (dB) for a drift whose sun adds about `sunK` kelvin to a
 * system of about `tsysK` (150 K, a guess: nothing is calibrated yet): an
 * RTL-SDR loaded to 20 counts rms at 40 dB on the cold sky is brought to
 * `peakCounts` rms on the sun, well inside ±127 (clipping would flatten the
 * peak), and 8-bit quantisation stays linear in power (Sheppard) on the
 * cold sky above ≈ 2 counts rms.
 */
/**
 * The ADC level (counts rms per component) the sun's peak is brought to: 5σ
 * below the 8-bit range's ±127, so that clipping takes less than 10⁻⁶ of the
 * peak's power (a drift of a big dish has a signal-to-noise ratio of 10⁵,
 * and a fit sees a compression of 10⁻⁴ in its residuals).
 */
export const peakCounts = 25;

export function driftGain(sunK: number, tsysK = 150): number {
  const ratio = (tsysK + sunK) / tsysK;
  return Math.max(0, Math.min(49.6, 40 + 20 * Math.log10(peakCounts / 20) - 10 * Math.log10(ratio)));
}

/** A mount that follows a plan in sky time: the drift's fixed aim, then the sun plus an elevation offset per scan step. */
class PlannedMount {
  constructor(
    private readonly site: { lat: number; lon: number; altitude: number; name: string },
    private readonly aim: { az: number; el: number },
    /** Sky time (ms) each scan step starts, and its elevation offset (degrees); the scan ends at `scanEnd`. */
    private readonly steps: { from: number; offset: number }[],
    private readonly now: () => number,
  ) {}

  /** The step at sky time t (ms), or null in the drift. */
  step(t: number): { from: number; offset: number } | null {
    return stepAt(this.steps, t);
  }

  /**
   * The sun calibration's readings: 'on' tracks the sun's centre, 'off' tracks a point `offSun` degrees (on the sky)
   * beside it in azimuth, at its elevation (the ground a wide beam sees is then the same in both readings).
   */
  sunMode: 'on' | 'off' | null = null;
  offSun = 0;

  at(t: number): { az: number; el: number } {
    if (this.sunMode) {
      const sun = sunPosition(this.site, new Date(t));
      const daz = this.sunMode === 'off' ? this.offSun / Math.max(0.05, Math.cos((sun.el * Math.PI) / 180)) : 0;
      return { az: (sun.az + daz + 360) % 360, el: sun.el };
    }
    const s = this.step(t);
    if (!s || Number.isNaN(s.offset)) return this.aim;
    const sun = sunPosition(this.site, new Date(t));
    return { az: sun.az, el: Math.min(90, sun.el + s.offset) };
  }

  get last(): { az: number; el: number } {
    return this.at(this.now());
  }
}

/** The step of a scan at sky time t (ms): the last one started, or null before the first. */
function stepAt(steps: readonly { from: number; offset: number }[], t: number): { from: number; offset: number } | null {
  let s: { from: number; offset: number } | null = null;
  for (const x of steps) if (t >= x.from) s = x;
  return s;
}

/** An azimuth in 0…360° (a rotator's mechanical azimuth may be past 360° in an overlap range). */
const azimuth = (az: number) => ((az % 360) + 360) % 360;

/**
 * Commands the rotator to (az, el) and waits until it stands there: its
 * 'arrived' (within the arrival tolerance), then two position reads that
 * agree within 0.01° (the last degree of the move ends). Resolves to the
 * position it reports (azimuth in 0…360°); rejects on the rotator's error or
 * a command refused (its limits); resolves early when `signal` aborts.
 */
export async function slewAndSettle(rot: RotatorControl, az: number, el: number, signal?: AbortSignal): Promise<{ az: number; el: number }> {
  return new Promise((resolve, reject) => {
    let arrived = false;
    let prev: { az: number; el: number } | null = null;
    const done = () => {
      rot.off('arrived', onArrive);
      rot.off('position', onPosition);
      rot.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onArrive = () => {
      arrived = true;
    };
    const onPosition = (p: { az: number; el: number }) => {
      if (arrived && prev && Math.abs(p.az - prev.az) <= 0.01 && Math.abs(p.el - prev.el) <= 0.01) {
        done();
        resolve({ az: azimuth(p.az), el: p.el });
        return;
      }
      if (arrived) prev = { az: p.az, el: p.el };
    };
    const onError = (e: Error) => { done(); reject(e); };
    const onAbort = () => { done(); resolve({ az: azimuth(rot.last.az), el: rot.last.el }); };
    rot.on('arrived', onArrive);
    rot.on('position', onPosition);
    rot.on('error', onError);
    signal?.addEventListener('abort', onAbort);
    rot.goto(az, el).catch((e: unknown) => { done(); reject(e); });
  });
}

/** Per-channel power per spectrum of an integration's first auto product. */
function autos(i: Integration, channels: number): Float64Array {
  const out = new Float64Array(channels);
  for (let j = 0; j < channels; j++) out[j] = i.spectra > 0 ? i.visibilities[2 * j]! / i.spectra : NaN;
  return out;
}

/** What a drift will do, before anything is opened: the scenario, the site, the timeline and the plan (throws DriftRunError for what cannot be planned). */
export function planDrift(o: Omit<DriftRunOptions, 'signal' | 'onProgress' | 'onNotice'>) {
  const sim = /^sim(:\d+)?$/.test(o.source);
  const rot = o.rotator ?? null;
  const channels = o.channels ?? 64;
  const driftPoints = o.driftPoints ?? 160;
  const method = o.calibration ?? 'noise-diode';
  let scenario: Scenario | null = null;
  if (sim) scenario = o.scenario ? loadScenario(o.scenario) : parseScenario({});
  else if (o.scenario) throw new DriftRunError('--scenario is for the simulator (--source sim); a real dish has no scenario.');
  const antenna = scenario ? scenario.antennas[Number(o.source.split(':')[1] ?? 0)] : undefined;
  if (scenario && !antenna) throw new DriftRunError(`the scenario has no antenna ${o.source.split(':')[1]}`);
  const diameter = o.diameter ?? antenna?.diameter;
  if (diameter === undefined) throw new DriftRunError("give the dish's diameter (--diameter M): the beam to plan for and the flux need it");
  const settings = loadSettings(o.dataDir);
  const site = scenario ? { name: 'simulator', lat: scenario.site.lat, lon: ((((scenario.site.lon + 180) % 360) + 360) % 360) - 180, altitude: 0 } : settings.site;
  const frequency = scenario?.tuning.centerFrequency ?? 1_420_405_752;
  const diode = o.diodeTemperature ?? scenario?.noiseSource.temperature;
  if (method === 'noise-diode' && !(diode && diode > 0)) {
    throw new DriftRunError("give the noise diode's excess temperature (K) from its data sheet (an ENR of E dB is 290·10^(E/10) K): --diode K, or the wizard's field; or calibrate with the hot load");
  }
  if (method === 'noise-diode' && !sim && o.diodeSwitch !== 'bias-tee') {
    throw new DriftRunError("Fringe switches a real noise diode through the dongle's bias tee: if the bias tee powers the diode, choose that switch (--diode-switch bias-tee); never when it powers an LNA, which switching would cut");
  }
  if (method === 'hot-load' && !sim) throw new DriftRunError('Fringe cannot swing a real hot load in front of the feed (the simulator can): calibrate a real dish with the noise diode');
  if (method === 'sun') {
    if (rot) throw new DriftRunError('calibrating on the sun through a connected rotator is not supported yet: calibrate with the noise diode or the hot load (or disconnect the rotator to use the simulator\'s own mount)');
    if (!sim) throw new DriftRunError('calibrating on the sun needs a mount that points the dish on and off the sun (the simulator\'s): calibrate a real dish with the noise diode or the hot load');
  }

  // The plan: the width the sun's passage will have (a textbook 70λ/D beam ⊗ the disk), the span ±3 widths along the track.
  const plannedBeam = (70 * speedOfLight) / frequency / diameter;
  const width = convolvedFwhm(plannedBeam, sunDiameterDeg);
  const skyStart = scenario ? startTime(scenario) : Date.now();
  const dec = sunPosition(site, new Date(skyStart)).dec;
  const spanHours = (6 * width) / (sunRate * Math.cos((dec * Math.PI) / 180));
  const tauSky = (spanHours * 3600) / driftPoints;
  const settle = 3, preN = 4, calN = 10;
  const calIntegrations = 2 * (settle + preN) + 2 * (settle + calN) + settle;
  const scanSteps = 13;
  const speed = scenario ? (spanHours * 3600) / (o.simSeconds ?? 16) : 1;
  const integration = tauSky / speed;
  // The elevation scan: ±2.4 widths across the sun, its lowest step kept `minScanElevation` up (a small dish's wide
  // beam would otherwise scan into the ground, which no beam ⊗ disk fit explains): the lower side is cut short and
  // the steps spread over what is left. A wide beam's drift takes hours, and the sun may be low by its end: the scan
  // is then taken first, right after the calibration, when the sun is higher.
  // (Taken first, the scan is shorter, 3 integrations a step: it delays the drift, and the sun sinks meanwhile.)
  const sunElOver = (fromMs: number) => Math.min(...[0, 0.5, 1].map((f) => sunPosition(site, new Date(fromMs + f * scanSteps * 5 * tauSky * 1000)).el));
  const scanRange = (el: number) => {
    const low = Math.max(-2.4 * width, minScanElevation - el);
    return { low, high: Math.max(low + width, Math.min(2.4 * width, 89 - el)) };
  };
  const elAfter = sunElOver(skyStart + (calIntegrations + driftPoints) * tauSky * 1000);
  const elFirst = sunElOver(skyStart + calIntegrations * tauSky * 1000);
  const scanFirst = sim && !rot && scanRange(elAfter).low > -2.4 * width && elFirst > elAfter;
  const scanSunEl = scanFirst ? elFirst : elAfter;
  const scanDwell = scanFirst ? 3 : 5, scanN = scanSteps * scanDwell;
  const { low: scanLow, high: scanHigh } = scanRange(scanSunEl);
  const scanOffsets = Array.from({ length: scanSteps }, (_, k) => scanLow + ((scanHigh - scanLow) * k) / (scanSteps - 1));
  const passageMs = skyStart + (calIntegrations + (scanFirst ? scanN : 0) + driftPoints / 2) * tauSky * 1000;
  const sunThen = sunPosition(site, new Date(passageMs));
  const aim = { az: sunThen.az, el: sunThen.el };
  const notices: string[] = [];
  if (sim && scanLow > -0.8 * width) notices.push(`the sun is only ${scanSunEl.toFixed(1)}° up for the elevation scan: it cannot go far below it (${scanLow.toFixed(1)}°), and the elevation offset may not be measured`);
  if (aim.el - 3 * width < 0 && aim.el < 3 * width) notices.push(`the sun is only ${aim.el.toFixed(1)}° up at the passage: ground in the beam will bend the baseline`);
  if (aim.el <= 0) throw new DriftRunError(`the sun is below the horizon at the planned passage (${new Date(passageMs).toISOString()}): start when it is up`);

  if (rot) {
    notices.push(`the rotator (${rot.driver}, ${rot.port}) slews to az ${aim.az.toFixed(2)}°, el ${aim.el.toFixed(2)}° before recording and holds it: the sun passes at ${new Date(passageMs).toISOString()}; then it steps across the sun in elevation (its stored pointing correction is not applied: the drift measures the error)`);
  } else if (!sim) {
    notices.push(`point the dish at az ${aim.az.toFixed(2)}°, el ${aim.el.toFixed(2)}° and leave it there: the sun passes at ${new Date(passageMs).toISOString()} (without a mount the elevation offset is not measured)`);
  }
  const gain = o.gain ?? driftGain(antennaTemperature(o.flux ?? 100, diameter, o.efficiency ?? 0.6));
  const plan: DriftPlan = {
    aim, passage: new Date(passageMs).toISOString(), plannedBeamDeg: plannedBeam, spanMinutes: spanHours * 60, integrationSkySeconds: tauSky,
    scanOffsets: sim || rot ? scanOffsets : [], gainDb: gain,
  };
  // Every position the rotator will be sent to, inside its limits, before anything records.
  if (rot) {
    const scanAt = skyStart + (calIntegrations + (scanFirst ? 0 : driftPoints)) * tauSky * 1000;
    const targets = [{ what: 'the drift\'s aim', ...aim }, ...scanOffsets.map((off, k) => {
      const sun = sunPosition(site, new Date(scanAt + (k + 0.5) * scanDwell * tauSky * 1000));
      return { what: `the elevation scan's step ${k + 1} (sun ${off >= 0 ? '+' : '−'}${Math.abs(off).toFixed(2)}°)`, az: sun.az, el: Math.min(90, sun.el + off) };
    })];
    for (const t of targets) {
      try {
        resolveTarget(t.az, t.el, rot.rotator.limits, rot.last.az);
      } catch (err) {
        const l = rot.rotator.limits;
        throw new DriftRunError(`${t.what}, az ${t.az.toFixed(2)}° el ${t.el.toFixed(2)}°, is outside the rotator's limits (az ${l.azMin}…${l.azMax}°, el ${l.elMin}…${l.elMax}°): ${err instanceof Error ? err.message : String(err)}; start when the sun is inside them, or widen the limits`);
      }
    }
  }
  return {
    sim, rot, channels, driftPoints, method, scenario, diameter, settings, site, frequency, diode, width, skyStart, tauSky, settle, preN, calN,
    calIntegrations, scanSteps, scanDwell, scanOffsets, scanFirst, speed, integration, passageMs, aim, gain, plan, notices,
  };
}

/** The plan as the wizard shows it before Start (drift.plan). */
export function driftPlanView(o: Omit<DriftRunOptions, 'signal' | 'onProgress' | 'onNotice'>): DriftPlanView {
  const p = planDrift(o);
  const transit = nextSunTransit(p.site, new Date(p.passageMs - 12 * 3600_000));
  return {
    plan: p.plan, site: { name: p.site.name, lat: p.site.lat, lon: p.site.lon }, frequency: p.frequency, diameter: p.diameter, simulated: p.sim,
    mount: p.rot ? 'rotator' : p.sim ? 'simulator' : 'none', start: new Date(p.skyStart).toISOString(), transit: { time: transit.time.toISOString(), el: transit.el },
    calibration: p.method, diodeK: p.diode ?? null, clockSpeed: p.speed, notices: p.notices,
  };
}

/** Runs the whole measurement; the observation is kept whatever fails. */
export async function runDrift(o: DriftRunOptions): Promise<DriftRunResult> {
  const {
    sim, rot, channels, driftPoints, method, scenario, diameter, settings, site, frequency, diode, width, skyStart, tauSky, settle, preN, calN,
    calIntegrations, scanSteps, scanDwell, scanOffsets, scanFirst, speed, integration, passageMs, aim, gain, plan, notices,
  } = planDrift(o);
  // The plan shows before the flux is entered; the run needs it.
  if (method === 'sun') {
    if (!(o.flux !== undefined && o.flux > 0)) throw new DriftRunError("calibrating on the sun needs the day's solar flux at this frequency (--flux SFU)");
    if (o.efficiency === undefined) throw new DriftRunError("calibrating on the sun needs the dish's aperture efficiency (--efficiency E)");
  }
  for (const n of notices) o.onNotice?.(n);
  const mountSteps: { from: number; offset: number }[] = [];
  let clockNow = () => skyStart;
  const mount = sim && !rot ? new PlannedMount(site, aim, mountSteps, () => clockNow()) : null;
  if (mount && method === 'sun') {
    mount.sunMode = 'off';
    mount.offSun = 3 * width;
  }
  if (!mount && !rot) {
    o.onNotice?.(`point the dish at az ${aim.az.toFixed(2)}°, el ${aim.el.toFixed(2)}° and leave it there: the sun passes at ${new Date(passageMs).toISOString()} (without a mount the elevation offset is not measured)`);
  }

  const scenarioObject = scenario ? ({ ...scenario, speed } as unknown as Record<string, unknown>) : undefined;
  // The rotator to the drift's aim before anything records (the simulator's sky waits: its session is not open yet).
  if (rot) {
    o.onNotice?.(`slewing the rotator to the drift's aim, az ${aim.az.toFixed(2)}°, el ${aim.el.toFixed(2)}°`);
    let at: { az: number; el: number };
    try {
      at = await slewAndSettle(rot, aim.az, aim.el, o.signal);
    } catch (err) {
      throw new DriftRunError(`the rotator could not go to the drift's aim (az ${aim.az.toFixed(2)}°, el ${aim.el.toFixed(2)}°): ${err instanceof Error ? err.message : String(err)}`);
    }
    if (o.signal?.aborted) throw new DriftRunError('stopped while the rotator slewed to the aim, as asked: nothing was recorded');
    o.onNotice?.(`the rotator is at az ${at.az.toFixed(2)}°, el ${at.el.toFixed(2)}°: recording; it holds there through the drift`);
  }
  const store = Store.open(o.dataDir);
  let session: Session | null = null;
  try {
    session = await Session.open({
      source: o.source,
      channels,
      taps: 4,
      integration,
      backend: o.backend ?? 'cpu',
      tuning: { gain },
      pacing: sim ? false : undefined,
      scenario: scenarioObject,
      site: settings.site,
      rotator: rot ?? mount,
      onNotice: o.onNotice,
    });
    const s = session;
    clockNow = () => s.clock.now();
    const pipeline = s.pipeline!;
    const fs = s.source.tuning.sampleRate;
    const samplesPerIntegration = s.fx.spectraPerIntegration * channels;
    const start = s.timeOfSample(0);
    const tauActual = (s.clock.speed * samplesPerIntegration) / fs; // sky s per integration
    const driftEnd = calIntegrations + driftPoints;
    // The scan after the drift, or (scanFirst) between the calibration and the drift, then back to the aim (offset NaN).
    const scanAt = scanFirst ? calIntegrations : driftEnd;
    const steered = mount !== null || rot !== null;
    if (steered) for (let k = 0; k < scanSteps; k++) mountSteps.push({ from: (start + (scanAt + k * scanDwell) * tauActual) * 1000, offset: scanOffsets[k]! });
    if (steered && scanFirst) mountSteps.push({ from: (start + (scanAt + scanSteps * scanDwell) * tauActual) * 1000, offset: NaN });
    const total = driftEnd + (steered ? scanSteps * scanDwell : 0);
    // When each step's pointing holds (sky seconds): the planned mount's at once; the rotator's once it stood at its
    // target (the simulator's next samples; a real receiver's a quarter second after), and where it reported standing.
    const heldFrom: (number | undefined)[] = mount ? mountSteps.map((x) => x.from / 1000) : [];
    const reported: ({ az: number; el: number } | undefined)[] = [];
    let nextMove = 0;
    let moveError: unknown = null;
    /** The rotator's target for step k: the sun's position at the step's middle (run's clock) plus its elevation offset, or the aim. */
    const stepTarget = (k: number): { az: number; el: number; sunEl?: number } => {
      const x = mountSteps[k]!;
      if (Number.isNaN(x.offset)) return aim;
      const sun = sunPosition(site, new Date(x.from + 0.5 * scanDwell * tauActual * 1000));
      return { az: sun.az, el: Math.min(90, sun.el + x.offset), sunEl: sun.el };
    };

    const { rec, tracker } = s.startObservation(store, { mode: 'drift', target: 'Sun', start, extraConfig: { drift: { plan, method } } });
    const { ObservationWriter } = await import('./writer.ts');
    const writer = new ObservationWriter(rec, s, tracker);
    const engine = s.engine;
    const switchLoad = (on: boolean) => {
      if (method === 'sun') {
        // Back to the drift's aim after the calibration's last on-sun reading.
        mount!.sunMode = on ? 'on' : stage === 'on' ? null : 'off';
        return;
      }
      if (method === 'noise-diode' && o.diodeSwitch === 'bias-tee') {
        pendingSwitch = s.source.setBiasTee(on);
        return;
      }
      if (!engine) throw new DriftRunError('this source cannot switch a noise diode or a hot load: calibrate with the simulator, or give the calibration');
      if (method === 'noise-diode') engine.setNoiseSource(on);
      else engine.setHotLoad(on);
    };
    const edge = Math.ceil(channels / 16);
    const flags = Array.from({ length: channels }, (_, j) => j < edge || j >= channels - edge);
    // The sun: its antenna temperature on the beam's centre from the entered flux, efficiency and diameter, diluted by the planned beam.
    const sunInputs = { flux: o.flux!, efficiency: o.efficiency!, diameter, beam: plan.plannedBeamDeg };
    const solve = (high: Float64Array[], low: Float64Array[]) =>
      method === 'noise-diode'
        ? noiseDiode(high, low, { tExcess: diode!, flags })
        : method === 'sun'
          ? sunCalibration(high, low, { ...sunInputs, flags })
          : yFactor(high, low, { tHot: o.hotTemperature ?? 290, tCold: o.coldTemperature ?? 10, flags });
    const calInputs = method === 'noise-diode' ? { diodeK: diode } : method === 'sun' ? { fluxSfu: sunInputs.flux, efficiency: sunInputs.efficiency, diameterM: diameter, beamDeg: sunInputs.beam } : { hotK: o.hotTemperature ?? 290, coldK: o.coldTemperature ?? 10 };
    // The calibration's stages: a short look (reference, then diode/load) to set the gain, then the calibration itself at
    // that gain; `settle` integrations after each switch (the samples in flight) are not used.
    type Stage = 'pre-off' | 'pre-on' | 'off' | 'on' | 'done';
    let stage: Stage = 'pre-off', stageFrom = 0;
    const readings: Record<'pre-off' | 'pre-on' | 'off' | 'on', Float64Array[]> = { 'pre-off': [], 'pre-on': [], off: [], on: [] };
    const countsVar: number[] = [];
    let pendingGain: Promise<unknown> | null = null;
    let pendingSwitch: Promise<unknown> | null = null;
    let gainApplied = s.source.tuning.gain;
    let cal: KelvinCalibration | null = null;
    let calCount = 0;
    let calTime = 0;
    let calRecord = 0;
    let kelvinFrom = -1;
    let done = 0;
    let stepWritten = -1;
    const advance = (next: Stage, index: number) => {
      stage = next;
      stageFrom = index + 1;
    };
    const handle = (i: Integration) => {
      writer.append(i);
      done++;
      const t = start + (i.firstSample * s.clock.speed) / fs;
      if (stage !== 'done' && i.index >= stageFrom + settle) {
        const list = readings[stage];
        list.push(autos(i, channels));
        if (stage === 'pre-off' && list.length === preN) {
          switchLoad(true);
          advance('pre-on', i.index);
        } else if (stage === 'pre-on' && list.length === preN) {
          switchLoad(false);
          // The gain that brings the sun's peak to `peakCounts` rms: from the ADC's level now and T_sys of this first look.
          if (o.gain === undefined) {
            const pre = solve(readings['pre-on'], readings['pre-off']);
            const level = Math.sqrt(countsVar.reduce((a, b) => a + b, 0) / Math.max(1, countsVar.length));
            const g0 = typeof gainApplied === 'number' ? gainApplied : 40;
            const target = g0 + 20 * Math.log10(peakCounts / level) - 10 * Math.log10(1 + antennaTemperature(o.flux ?? 100, diameter, o.efficiency ?? 0.6) / pre.band.tsys.value);
            plan.gainDb = Math.max(0, Math.min(49.6, target));
            pendingGain = s.source.setGain(plan.gainDb).then((g) => (gainApplied = g));
          }
          advance('off', i.index);
        } else if (stage === 'off' && list.length === calN) {
          switchLoad(true);
          advance('on', i.index);
        } else if (stage === 'on' && list.length === calN) {
          switchLoad(false);
          // The sun calibration moved the dish: where it points for the drift (the aim) is recorded from here on.
          if (method === 'sun') rec.event('pointing', { ...describeAim(s.site, { ...aim, source: 'rotator' }, t * 1000) }, t);
          cal = solve(readings.on, readings.off);
          const g = cal.band.gain.value;
          const gains = new Float32Array(2 * channels);
          for (let j = 0; j < channels; j++) gains[2 * j] = Math.sqrt(Number.isFinite(cal.gain[j]!) ? cal.gain[j]! : g);
          calCount = s.setCalibration({ gains: [gains] });
          calTime = t;
          // The calibration record (store migration 6): what later integrations at this tuning and gain are scaled by.
          calRecord = store.addCalibration({
            time: t, method, channels, centerFrequency: s.source.tuning.centerFrequency, sampleRate: fs, tunerGain: typeof gainApplied === 'number' ? gainApplied : null,
            inputs: calInputs,
            gain: Array.from(cal.gain, (x) => (Number.isFinite(x) ? x : null)), tsys: cal.band.tsys.value, tsysSigma: cal.band.tsys.sigma, observationId: rec.id,
          }).id;
          advance('done', i.index);
        }
      }
      // Kelvin from the first calibrated integration `settle` after the switch back (the diode or load in flight in the
      // samples already read is in the first ones).
      if (calCount && kelvinFrom < 0 && i.calibration === calCount && i.index >= stageFrom + settle) {
        kelvinFrom = i.index;
        const c = cal!;
        rec.event('calibration', {
          unit: 'K', method, fromIntegration: i.index, measuredAt: calTime,
          tsys: c.band.tsys.value, tsysSigma: c.band.tsys.sigma, gain: c.band.gain.value, gainSigma: c.band.gain.sigma,
          trx: c.band.trx?.value ?? null, ...(method === 'noise-diode' ? { diode } : method === 'sun' ? calInputs : { hot: o.hotTemperature ?? 290, cold: o.coldTemperature ?? 10 }),
          perChannelGain: Array.from(c.gain, (x) => (Number.isFinite(x) ? x : null)),
        }, t);
      }
      // The scan's steps: a pointing event with the commanded offset at each step's first integration. By sky time, not by
      // count: a gap in the samples (a drop) ends an integration early, and the next ones start after it.
      // An integration during which the mount moved (within one synthesis frame of a step, whose pointing the simulator
      // samples once) is marked `moving`, and no cut uses it.
      // With a rotator, the samples the simulator made before it stood at its target (up to two synthesis frames) are moving too.
      const tEnd = t + (i.spectra * channels * s.clock.speed) / fs, margin = ((rot ? 8192 : 4096) * s.clock.speed) / fs;
      const moving = mountSteps.some((x, k) => x.from / 1000 - margin <= tEnd && t <= (heldFrom[k] ?? Infinity) + margin);
      const stepNow = steered ? stepAt(mountSteps, ((t + tEnd) / 2) * 1000) : null;
      const k = moving ? -2 : stepNow ? mountSteps.indexOf(stepNow) : -1;
      const step = stepNow && !Number.isNaN(stepNow.offset) ? stepNow : null;
      if (steered && k !== stepWritten && (moving || stepNow)) {
        stepWritten = k;
        // The rotator's pointing is where it reported standing, its elevation offset measured from the sun it was sent to.
        const aimNow = mount ? mount.at(t * 1000) : k >= 0 ? reported[k]! : { az: azimuth(rot!.last.az), el: rot!.last.el };
        const offsetEl = moving || !step ? 0 : mount ? scanOffsets[k]! : aimNow.el - stepTarget(k).sunEl!;
        rec.event('pointing', { ...describeAim(s.site, { ...aimNow, source: 'rotator' }, t * 1000), ...(moving ? { moving: true } : step ? { offset: { az: 0, el: offsetEl } } : {}) }, t);
      }
      const power = (() => {
        const a = autos(i, channels);
        const edge = Math.ceil(channels / 16);
        let sum = 0;
        for (let j = edge; j < channels - edge; j++) sum += a[j]!;
        return sum / (channels - 2 * edge);
      })();
      const phase: DriftProgress['phase'] = !calCount || kelvinFrom < 0 ? 'calibrate' : step ? 'scan' : 'drift';
      const sun = sunPosition(site, new Date(t * 1000));
      const offset = phase === 'scan' ? (mount ? mount.at(t * 1000).el : rot ? rot.last.el : sun.el) - sun.el : Math.sign(t * 1000 - passageMs) * Math.hypot((sun.az - aim.az) * Math.cos((aim.el * Math.PI) / 180), sun.el - aim.el);
      o.onProgress?.({ phase, done, total, point: { offset, power, unit: kelvinFrom >= 0 && i.index >= kelvinFrom ? 'K' : 'relative' } });
    };
    const totalSamples = total * samplesPerIntegration;
    try {
      for await (const block of s.blocks()) {
        if (o.signal?.aborted) break;
        s.noteBlock(block);
        if (stage === 'pre-off') countsVar.push(countsVariance(block.data));
        const n = Math.max(0, Math.min(block.data.length / 2, totalSamples - block.firstSample));
        if (n > 0) for (const i of await pipeline.push(n < block.data.length / 2 ? { ...block, data: block.data.subarray(0, 2 * n) } : block)) handle(i);
        // The rotator's scan steps: commanded once the samples reach a step's start. The simulator's sky waits for the
        // dish (the next block is made after the move); a real receiver's samples keep coming and are marked moving.
        if (moveError) throw moveError;
        const tb = start + ((block.firstSample + block.data.length / 2) * s.clock.speed) / fs;
        while (rot && nextMove < mountSteps.length && tb >= mountSteps[nextMove]!.from / 1000) {
          const k = nextMove++;
          const target = stepTarget(k);
          const moved = slewAndSettle(rot, target.az, target.el, o.signal).then((p) => {
            reported[k] = p;
            heldFrom[k] = sim ? tb : s.clock.now() / 1000 + 0.25;
          });
          if (sim) await moved;
          else moved.catch((e: unknown) => (moveError = e));
        }
        if (pendingGain) {
          await pendingGain;
          pendingGain = null;
        }
        if (pendingSwitch) {
          await pendingSwitch;
          pendingSwitch = null;
        }
        if (block.firstSample + block.data.length / 2 >= totalSamples) break;
      }
      for (const i of await pipeline.end()) handle(i);
    } catch (err) {
      // A failure while recording (a calibration whose readings do not differ, a device gone): the observation keeps what it has.
      if (rec.active) rec.interrupt(`failed: ${err instanceof Error ? err.message : String(err)}`, start + (done * samplesPerIntegration * s.clock.speed) / fs);
      throw err;
    }
    const end = start + (Math.min(totalSamples, done * samplesPerIntegration) * s.clock.speed) / fs;
    if (o.signal?.aborted || done < total) {
      rec.interrupt(o.signal?.aborted ? 'stopped before the drift ended' : 'the source ended before the drift did', end);
      throw new DriftRunError(o.signal?.aborted
        ? `stopped after ${done} of ${total} integrations, as asked: observation #${rec.id} keeps them (interrupted)`
        : `the measurement stopped after ${done} of ${total} integrations (observation ${rec.id} keeps them)`);
    }
    if (!cal) {
      rec.interrupt('the calibration did not complete', end);
      throw new DriftRunError('the calibration did not complete');
    }
    const c: KelvinCalibration = cal;
    try {

    // The analysis of the stored observation, as `fringe drift --observation` does it.
    const data = loadDrift(store, rec.id);
    const result = analyseDrift(data.cuts, { unit: data.unit, diameter, efficiency: o.efficiency, expectedFlux: o.flux, frequency, disk: data.disk ?? undefined });
    const radiometer = offSunRadiometer(data.cuts, result, fs * (channels - 2 * Math.ceil(channels / 16)) / channels, samplesPerIntegration / fs);
    const correction = result.pointing_offset_deg.az !== null
      ? savePointingCorrection(o.dataDir, { az: result.pointing_offset_deg.az, el: result.pointing_offset_deg.el ?? 0, elevation: aim.el, observation: rec.id, measuredAt: new Date(end * 1000).toISOString() })
      : null;
    // Calibrated on the sun with the entered flux, the flux measured is that flux again: no independent check of it.
    if (method === 'sun') result.verdict.push('calibrated on the sun with the entered flux: the measured flux repeats it and does not check it (calibrate with the noise diode or the hot load to measure the flux)');
    const out: DriftRunResult = {
      observation: rec.id,
      ...result,
      plan,
      calibration: { record: calRecord, method, tsys_k: c.band.tsys.value, tsys_k_sigma: c.band.tsys.sigma, gain_k_per_unit: c.band.gain.value, trx_k: c.band.trx?.value ?? null, taken: new Date(calTime * 1000).toISOString() },
      radiometer,
      pointing_correction: correction,
    };
    // The result is kept with the observation (as fringe observe keeps a mode's report), then it is complete.
    rec.event('note', { mode: 'drift', result: out }, end);
    return out;
    } finally {
      if (rec.active) rec.complete(end);
    }
  } finally {
    await session?.close();
    store.close();
  }
}

/**
 * The radiometer check on the drift's off-sun ends (farther than 2.5 widths
 * from the peak, a straight line removed): their scatter against
 * T_sys/√(B·τ), for B the band's width and τ one integration's sample time.
 */
export function offSunRadiometer(cuts: ReturnType<typeof loadDrift>['cuts'], result: DriftResult, bandwidth: number, tau: number): (RadiometerCheck & { passes: boolean }) | null {
  const i = cuts.findIndex((c) => c.axis === 'drift');
  const fit = result.cuts[i];
  if (i < 0 || !fit || fit.centre_sky_deg === null || fit.fwhm_deg === null) return null;
  const cut = cuts[i]!;
  // Whole integrations only: one a gap cut short averaged fewer spectra (its τ is shorter).
  const full = cut.spectra ? Math.max(...cut.spectra) : 0;
  const series = (side: number) => cut.power.filter((_, k) => side * (cut.sky[k]! - fit.centre_sky_deg!) > 2.5 * fit.fwhm_deg! && (!cut.spectra || cut.spectra[k] === full));
  try {
    // Each end on its own (a line through each), pooled: the sky under them differs.
    const parts = [series(-1), series(1)].filter((p) => p.length >= 8).map((p) => radiometerCheck(p, bandwidth, tau, { detrend: true }));
    if (parts.length === 0) return null;
    const points = parts.reduce((a, p) => a + p.points, 0);
    const ss = parts.reduce((a, p) => a + (p.ratio.value ** 2) * (p.points - 2), 0);
    const dof = points - 2 * parts.length;
    const ratio = Math.sqrt(ss / dof);
    const sigma = ratio / Math.sqrt(2 * dof);
    const first = parts[0]!;
    return { ...first, points, ratio: { value: ratio, sigma }, passes: Math.abs(ratio - 1) <= Math.max(0.1, 3 * sigma) };
  } catch (err) {
    if (err instanceof FitError) return null;
    throw err;
  }
}
