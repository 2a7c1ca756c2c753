/**
 * Switched hydrogen-line observations, recorded and reduced as such.
 *
 * Recording (`observeSwitched`, behind `fringe hi observe` and the API's
 * hi.observe): one observation in the store whose config carries
 * `hi_switching` (the kind, cycles, phase length, off position or throw,
 * T_sys) and whose 'note' events `{ switch: phase, cycle }` say from which
 * sky time each phase holds: on/off (position switching, the dish moved by
 * the rotator between them; 'slew' while it moves) or lo/hi (frequency
 * switching, the session retuned between centre − Δ/2 and centre + Δ/2).
 * Integrations that a switch falls inside are not used by the reduction.
 *
 * Reduction (`reduceSwitched`, used by `reduceObservation` when the
 * observation is switched): src/analysis/hi/switching.ts makes one
 * calibrated difference per cycle, then src/analysis/hi/reduce.ts as usual.
 */
import type { Integration } from '../../correlator/types.ts';
import { Store } from '../../observations/store/store.ts';
import type { Observation } from '../../observations/store/types.ts';
import { switchedData, type SwitchEvent, type SwitchKind, type SwitchPhase, type SwitchedIntegration } from '../analysis/hi/switching.ts';
import type { HiData } from '../analysis/hi/reduce.ts';
import { HiError } from '../analysis/hi/reduce.ts';
import { describeEquatorial, galacticToEquatorial } from '../astro/galactic.ts';
import { describePointing } from '../astro/pointing.ts';
import { hydrogenLine } from '../astro/velocity.ts';
import { hiTuningToward } from '../analysis/hi/tuning.ts';
import { offsetCentre } from '../api/tuning.ts';
import { retune } from './live.ts';
import { loadScenario, parseScenario } from '../../devices/sim/scenario.ts';
import { pointingFromConfig } from '../../devices/sim/pointing.ts';
import { RotatorControl } from './rotator.ts';
import type { ObserveOptions } from './observe.ts';
import { Session } from './session.ts';
import { loadSettings } from './settings.ts';
import { ObservationWriter } from './writer.ts';

/**
 * Where the off position is: an azimuth offset (degrees, same elevation), galactic offsets in l and/or b from the on
 * position (degrees), or a direction: J2000 RA (hours) and Dec (degrees), or galactic l and b (degrees). All but the
 * azimuth offset are followed as the sky turns (the off position's az/el computed at each switch).
 */
export type OffPosition = { az: number } | { l?: number; b?: number } | { ra_h: number; dec_deg: number } | { l_deg: number; b_deg: number };

/** The off position of hi.observe's or the command line's options (at most one kind given: src/api/inputs.ts hiObserveProblem). */
export function offFrom(p: { offAz?: number; offL?: number; offB?: number; offRadec?: [number, number]; offGal?: [number, number] }): OffPosition | undefined {
  if (p.offAz !== undefined) return { az: p.offAz };
  if (p.offRadec) return { ra_h: p.offRadec[0], dec_deg: p.offRadec[1] };
  if (p.offGal) return { l_deg: p.offGal[0], b_deg: p.offGal[1] };
  if (p.offL !== undefined || p.offB !== undefined) return { ...(p.offL !== undefined ? { l: p.offL } : {}), ...(p.offB !== undefined ? { b: p.offB } : {}) };
  return undefined;
}

/** What a switched observation keeps in its config (hi_switching). */
export interface SwitchingConfig {
  kind: SwitchKind;
  cycles: number;
  /** Seconds of samples per phase. */
  phase_s: number;
  /** Position: the on position (degrees) and the off offset. */
  on?: { az: number; el: number };
  off?: OffPosition;
  /** Frequency: the centre (Hz), the throw (Hz, whole channels) and the two LO settings. */
  centre_hz?: number;
  throw_hz?: number;
  lo_hz?: number;
  hi_hz?: number;
  /** System temperature (K) the differences are scaled by, when known. */
  tsys_k?: number;
}

/** The recording's settings as `fringe observe` takes them (seconds: of samples in all phases together, slews not counted), and the switching's. */
export interface SwitchedObserveOptions extends Pick<ObserveOptions, 'source' | 'seconds' | 'channels' | 'taps' | 'integration' | 'backend' | 'threads' | 'dataDir' | 'target' | 'scenario' | 'pacing'> {
  kind: SwitchKind;
  /** On/off (or lo/hi) pairs. */
  cycles: number;
  sampleRate: number;
  gain: number | 'auto';
  /** Frequency switching: the centre between the two LO settings (default the HI line); position: the tuning (default offset tuning). */
  centerFrequency?: number;
  /** Frequency switching: the throw (Hz), rounded to whole channels (default 0.4 of the band). */
  throwHz?: number;
  /** Position switching: the on position (default where the rotator points) and the off offset. */
  on?: { az: number; el: number };
  off?: OffPosition;
  /** The station's connected rotator; none: the simulated rotator for a simulated source (an error otherwise). */
  rotator?: RotatorControl | null;
  tsysK?: number;
}

export interface SwitchedObserveResult {
  observationId: number;
  integrations: number;
  status: 'complete' | 'interrupted';
  notices: string[];
  switching: SwitchingConfig;
}

/** The throw rounded to whole channels (Hz): default 0.4 of the band. */
export function throwFor(sampleRate: number, channels: number, throwHz?: number): number {
  const df = sampleRate / channels;
  const k = Math.round((throwHz ?? 0.4 * sampleRate) / df);
  if (k < 1 || k > channels / 2) throw new HiError(`the throw ${((throwHz ?? 0) / 1e3).toFixed(1)} kHz must be from one channel (${(df / 1e3).toFixed(3)} kHz) to half the band (${(sampleRate / 2e3).toFixed(1)} kHz).`);
  return k * df;
}

/** Where the off position is at sky time `ms`, from the on position. */
export function offPosition(site: { lat: number; lon: number; altitude?: number; name?: string }, on: { az: number; el: number }, off: OffPosition, ms: number): { az: number; el: number } {
  if ('az' in off) return { az: (((on.az + off.az) % 360) + 360) % 360, el: on.el };
  const s = { name: site.name ?? 'site', lat: site.lat, lon: site.lon, altitude: site.altitude ?? 0 };
  let eq: { ra: number; dec: number }, named: string;
  if ('ra_h' in off) {
    eq = { ra: off.ra_h * 15, dec: off.dec_deg };
    named = `(RA ${off.ra_h.toFixed(3)} h, Dec ${off.dec_deg.toFixed(2)}°)`;
  } else if ('l_deg' in off) {
    eq = galacticToEquatorial(off.l_deg, off.b_deg);
    named = `(l ${off.l_deg.toFixed(1)}°, b ${off.b_deg.toFixed(1)}°)`;
  } else {
    const p = describePointing(s, on.az, on.el, new Date(ms));
    const l = p.l + (off.l ?? 0), b = p.b + (off.b ?? 0);
    if (Math.abs(b) > 90) throw new HiError(`the off position's latitude b ${b.toFixed(1)}° is beyond the pole: choose a smaller --off-b.`);
    eq = galacticToEquatorial(l, b);
    named = `(l ${l.toFixed(1)}°, b ${b.toFixed(1)}°)`;
  }
  const h = describeEquatorial(eq.ra, eq.dec, s, new Date(ms));
  if (!(h.el! > 0)) throw new HiError(`the off position ${named} is below the horizon (elevation ${h.el!.toFixed(1)}° at ${new Date(ms).toISOString()}): choose another off position.`);
  return { az: h.az!, el: h.el! };
}

/** Where the scenario's antenna of a sim source spec points at the scenario's start (degrees). */
function scenarioAim(source: string, scenario?: string): { az: number; el: number } {
  const sc = scenario ? loadScenario(scenario) : parseScenario({});
  const a = sc.antennas[Number(/^sim:(\d+)$/.exec(source)?.[1] ?? 0)] ?? sc.antennas[0]!;
  const p = pointingFromConfig(a.pointing, sc.site).pointingAt(Date.parse(sc.start));
  return { az: p.az, el: p.el };
}

/** Waits for the rotator to arrive at (az, el): its 'arrived', or an error (the poll failed). */
async function moveTo(rot: RotatorControl, az: number, el: number, signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      rot.off('arrived', onArrive);
      rot.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onArrive = () => { done(); resolve(); };
    const onError = (e: Error) => { done(); reject(e); };
    const onAbort = () => { done(); resolve(); };
    rot.on('arrived', onArrive);
    rot.on('error', onError);
    signal?.addEventListener('abort', onAbort);
    const there = Math.abs(rot.last.az - az) < 0.1 && Math.abs(rot.last.el - el) < 0.1;
    rot.goto(az, el).then(() => { if (there) { done(); resolve(); } }, (e: unknown) => { done(); reject(e); });
  });
}

/** How far a switched observation has got: samples of the phases counted (slews not), integrations written, the phase now and its cycle. */
export interface SwitchedProgress {
  /** Samples recorded in phases so far, and in all of them (2 × cycles × the phase's). */
  samples: number;
  total: number;
  integrations: number;
  /** The phase now: 'slew' while the dish moves or the receiver settles after a retune, before the next phase counts. */
  phase: SwitchPhase;
  /** The cycle (0-based) now, of `cycles`. */
  cycle: number;
  cycles: number;
}

/** Records a switched observation: `cycles` pairs of phases of seconds/(2·cycles) each. */
export async function observeSwitched(o: SwitchedObserveOptions, hooks: { signal?: AbortSignal; onProgress?: (p: SwitchedProgress) => void } = {}): Promise<SwitchedObserveResult> {
  if (!(o.cycles >= 1) || !Number.isInteger(o.cycles)) throw new HiError('the cycles must be a whole number, at least 1.');
  const phaseSeconds = o.seconds / (2 * o.cycles);
  if (!(phaseSeconds >= 2 * o.integration)) throw new HiError(`each phase (${phaseSeconds.toFixed(2)} s = seconds / (2 × cycles)) must hold at least two integrations of ${o.integration} s: record longer or with fewer cycles.`);
  const simulated = /^sim(:|$)/.test(o.source);
  const store = Store.open(o.dataDir);
  let rot: RotatorControl | null = o.rotator ?? null;
  let ownRotator = false;
  let session: Session | null = null;
  let rec: ReturnType<Session['startObservation']>['rec'] | null = null;
  const notices: string[] = [];
  try {
    const sw: SwitchingConfig = { kind: o.kind, cycles: o.cycles, phase_s: phaseSeconds, ...(o.tsysK !== undefined ? { tsys_k: o.tsysK } : {}) };
    let centre = o.centerFrequency ?? (o.kind === 'frequency' ? Math.round(hydrogenLine) : offsetCentre(o.sampleRate));
    if (o.kind === 'frequency') {
      const t = throwFor(o.sampleRate, o.channels, o.throwHz);
      // A dongle tunes in whole hertz (rtl_tcp's command takes an integer): the two settings rounded, the throw what
      // they make (within 1 Hz of the whole channels, far inside the fold's 1 % of a channel).
      const lo = Math.round(centre - t / 2), hi = Math.round(centre + t / 2);
      Object.assign(sw, { centre_hz: centre, throw_hz: hi - lo, lo_hz: lo, hi_hz: hi });
      centre = lo;
    } else {
      if (!o.off) throw new HiError('position switching needs the off position: an azimuth offset (--off-az) or a galactic-longitude offset (--off-l).');
      if (!rot) {
        if (!simulated) throw new HiError('position switching moves the dish: connect the rotator first (fringe serve, Station page), or use the simulator.');
        // The simulated rotator, fast enough that a move takes about one poll, starting where the scenario's dish points.
        rot = await RotatorControl.connect({ driver: 'sim', azRate: 200, elRate: 200, start: o.on ?? scenarioAim(o.source, o.scenario) });
        ownRotator = true;
      }
    }
    session = await Session.open({
      source: o.source, tuning: { centerFrequency: centre, sampleRate: o.sampleRate, gain: o.gain }, channels: o.channels, taps: o.taps,
      integration: o.integration, backend: o.backend, threads: o.threads, pacing: o.pacing, scenario: o.scenario,
      site: loadSettings(o.dataDir).site, rotator: o.kind === 'position' ? rot : null, onNotice: (n) => notices.push(n),
    });
    notices.push(...session.notices);
    const site = session.site;
    const signal = hooks.signal;
    let on = o.on ?? (rot ? { az: rot.last.az, el: rot.last.el } : undefined);
    if (o.kind === 'position') {
      on = on!;
      sw.on = on;
      sw.off = o.off;
      // An off position below the horizon (or beyond the pole) is refused before anything is recorded.
      offPosition(site, on, o.off!, session.clock.now());
      // The dish goes to the on position first (a real mount may take a minute): reported as a slew before cycle 1.
      hooks.onProgress?.({ samples: 0, total: 1, integrations: 0, phase: 'slew', cycle: 0, cycles: o.cycles });
      await moveTo(rot!, on.az, on.el, signal);
    }
    // Position switching with no centre asked for is tuned for the on direction's HI: the velocities its emission can
    // have there mid-band, line-free channels on both sides (src/analysis/hi/tuning.ts).
    let retuned = false;
    if (o.kind === 'position' && o.centerFrequency === undefined) {
      const now = new Date(session.clock.now());
      const p = describePointing(site, on!.az, on!.el, now);
      const t = hiTuningToward(site, now, p.ra, p.dec, o.sampleRate);
      await retune(session.source, { centerFrequency: t.centerFrequency });
      retuned = true;
      notices.push(`tuned to ${(t.centerFrequency / 1e6).toFixed(4)} MHz for the HI at l ${t.l.toFixed(1)}°, b ${t.b.toFixed(1)}°: ${t.why}`);
    }
    const start = session.clock.now() / 1000;
    const started = session.startObservation(store, { mode: 'spectrum', target: o.target, start, extraConfig: { hi_switching: sw } });
    rec = started.rec;
    const writer = new ObservationWriter(rec, session, started.tracker);
    const pipeline = session.pipeline!;
    const rate = session.source.tuning.sampleRate;
    const phaseSamples = Math.round(phaseSeconds * rate);
    const total = 2 * o.cycles * phaseSamples;
    const phases: [SwitchPhase, SwitchPhase] = o.kind === 'position' ? ['on', 'off'] : ['lo', 'hi'];
    // A real receiver's buffered samples of the old setting still arrive after a retune or a move: a quarter second is not used.
    const settle = simulated ? 0 : Math.round(0.25 * rate);
    let index = 0;
    let integrations = 0;
    let samples = 0;
    /** Samples of the current phase counted from (null while moving or settling). */
    let phaseFrom: number | null = null;
    /** The phase to record once the first block at or after `eventAt` arrives. */
    let pending: { phase: SwitchPhase; cycle: number; at: number | null; extra: Record<string, unknown> } | null = { phase: phases[0], cycle: 0, at: retuned ? settle : 0, extra: o.kind === 'frequency' ? { centre_hz: sw.lo_hz } : { ...on } };
    let moving: Promise<void> | null = null;
    const move = { done: false };
    let counted = 0;
    const progress = () => hooks.onProgress?.({
      samples: Math.min(total, counted + (phaseFrom === null ? 0 : samples - phaseFrom)), total, integrations,
      phase: phaseFrom === null && index > 0 ? 'slew' : phases[index % 2]!, cycle: Math.floor(index / 2), cycles: o.cycles,
    });
    const keep = (list: Integration[]) => {
      for (const i of list) {
        writer.append(i);
        integrations++;
      }
    };
    for await (const block of session.blocks()) {
      if (signal?.aborted) break;
      session.noteBlock(block);
      if (move.done && pending && pending.at === null) pending = { ...pending, at: block.firstSample + settle };
      if (pending && pending.at !== null && block.firstSample >= pending.at) {
        const t = writer.timeOf(block.firstSample);
        rec.event('note', { switch: pending.phase, cycle: pending.cycle, ...pending.extra }, t);
        // Where the dish arrived, as a pointing event from the phase's start (the LSR correction of its integrations).
        if (o.kind === 'position') for (const p of started.tracker.at(t * 1000)) rec.event('pointing', { ...p }, t);
        phaseFrom = block.firstSample;
        pending = null;
      }
      keep(await pipeline.push(block));
      samples = block.firstSample + block.data.length / 2;
      if (phaseFrom !== null && samples - phaseFrom >= phaseSamples) {
        counted += samples - phaseFrom;
        phaseFrom = null;
        index++;
        if (index >= 2 * o.cycles) break;
        const phase = phases[index % 2]!, cycle = Math.floor(index / 2);
        rec.event('note', { switch: 'slew', cycle }, writer.timeOf(samples));
        progress();
        if (o.kind === 'frequency') {
          const f = phase === 'lo' ? sw.lo_hz! : sw.hi_hz!;
          await retune(session.source, { centerFrequency: f });
          pending = { phase, cycle, at: samples + settle, extra: { centre_hz: f } };
        } else {
          const target = phase === 'on' ? on! : offPosition(site, on!, o.off!, writer.timeOf(samples) * 1000);
          move.done = false;
          pending = { phase, cycle, at: null, extra: { ...target } };
          moving = moveTo(rot!, target.az, target.el, signal).then(() => { move.done = true; moving = null; });
          moving.catch(() => {});
          // The simulator's sky waits for the dish (its blocks come as fast as asked, with no turn of the event loop for the rotator's poll);
          // a real receiver's samples keep coming and are recorded as the slew.
          if (simulated) await moving;
        }
      }
      progress();
    }
    keep(await pipeline.end());
    if (moving) await moving;
    const end = writer.timeOf(samples);
    if (index < 2 * o.cycles) {
      const reason = signal?.aborted ? 'stopped before the requested cycles' : 'the source ended before the requested cycles';
      rec.interrupt(reason, end);
      notices.push(reason);
      return { observationId: rec.id, integrations, status: 'interrupted', notices, switching: sw };
    }
    rec.complete(end);
    return { observationId: rec.id, integrations, status: 'complete', notices, switching: sw };
  } catch (err) {
    if (rec?.active) rec.interrupt(err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    await session?.close();
    if (ownRotator) await rot?.close();
    store.close();
  }
}

/** The switching of an observation (config.hi_switching), or null when it was not switched. */
export function switchingOf(obs: Observation): SwitchingConfig | null {
  const s = (obs.config as { hi_switching?: SwitchingConfig }).hi_switching;
  return s && (s.kind === 'position' || s.kind === 'frequency') ? s : null;
}

/** The phase events of a switched observation, in time order. */
export function switchEvents(store: Store, id: number): SwitchEvent[] {
  return store.events(id)
    .filter((e) => e.kind === 'note' && typeof (e.data as { switch?: unknown }).switch === 'string')
    .map((e) => ({ time: e.time, phase: (e.data as { switch: SwitchPhase }).switch, cycle: Number((e.data as { cycle?: number }).cycle ?? 0) }))
    .sort((a, b) => a.time - b.time);
}

/**
 * A switched observation's integrations (loaded as for any HI reduction, with their durations) made into one
 * calibrated difference per cycle; T_sys from the option, else the one recorded, else relative.
 */
export function switchedHiData(store: Store, obs: Observation, base: HiData, durations: number[], tsysK?: number): { data: HiData; notes: string[]; summary: SwitchedSummary } {
  const sw = switchingOf(obs)!;
  const its: SwitchedIntegration[] = base.integrations.map((it, k) => ({ ...it, duration: durations[k]! }));
  const t = tsysK ?? sw.tsys_k;
  const r = switchedData(base.frequencies, its, switchEvents(store, obs.id), { kind: sw.kind, ...(t !== undefined ? { tsysK: t } : {}), ...(sw.throw_hz !== undefined ? { throwHz: sw.throw_hz } : {}) }, base.frame);
  return {
    data: r.data, notes: [...r.notes.slice(1), ...(t === undefined ? ['no T_sys given (--tsys): the switched spectrum is (sig − ref)/ref, relative'] : [])],
    summary: { kind: sw.kind, cycles: r.cycles, cycles_asked: sw.cycles, integrations_used: r.used, integrations_dropped: r.dropped },
  };
}

/** What a switched reduction used: complete cycles (of those asked for when it was recorded), integrations in them and those not used (a switch or a move inside them, or an incomplete cycle). */
export interface SwitchedSummary {
  kind: SwitchKind;
  cycles: number;
  cycles_asked: number;
  integrations_used: number;
  integrations_dropped: number;
}

/** The API's hi.observe parameters (src/api/inputs.ts hiObserveParams) as options: the simulator as fast as it goes, a receiver in real time. */
export function hiObserveOptions(
  p: { switch: SwitchKind; seconds: number; cycles?: number; offAz?: number; offL?: number; offB?: number; offRadec?: [number, number]; offGal?: [number, number]; throwKhz?: number; tsys?: number; integration?: number; target?: string },
  at: { source: string; scenario?: string; dataDir: string; rotator: RotatorControl | null },
): SwitchedObserveOptions {
  const off = offFrom(p);
  const sim = /^sim(:|$)/.test(at.source);
  return {
    source: at.source, kind: p.switch, seconds: p.seconds, cycles: p.cycles ?? 2, sampleRate: 2_400_000, gain: 40,
    ...(p.throwKhz !== undefined ? { throwHz: p.throwKhz * 1e3 } : {}),
    channels: 1024, taps: 4, integration: p.integration ?? 0.5, backend: 'auto', threads: 1, dataDir: at.dataDir,
    ...(p.target ? { target: p.target } : {}), ...(sim && at.scenario ? { scenario: at.scenario } : {}), pacing: sim ? false : 1,
    ...(off ? { off } : {}), rotator: at.rotator, ...(p.tsys !== undefined ? { tsysK: p.tsys } : {}),
  };
}
