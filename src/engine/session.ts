/**
 * A session: the one recipe that opens a source (any spec, or a coherent
 * group with its delays measured by group.ts), builds the FX configuration,
 * opens a backend and a pipeline, and knows the sky clock, the site and where
 * the antennas point. The live view (live.ts), `fringe observe` (observe.ts),
 * raw recording (raw.ts), reprocessing and every mode open sessions here, and
 * close them with `close()` whatever failed, so no worker thread or device
 * outlives an error.
 */
import { Pipeline } from '../../correlator/pipeline.ts';
import type { BackendChoice, Block, FxConfig } from '../../correlator/types.ts';
import { CoherentGroup } from '../../devices/sdr/group.ts';
import { openSource, parseSourceSpec } from '../../devices/sdr/open.ts';
import type { SampleSource, Tuning } from '../../devices/sdr/source.ts';
import type { SimEngine } from '../../devices/sim/engine.ts';
import type { Recording } from '../../observations/store/recording.ts';
import type { Store } from '../../observations/store/store.ts';
import type { AntennaPosition, ObservationConfig, ObservationSite } from '../../observations/store/types.ts';
import type { Site } from '../astro/site.ts';
import { openBackend } from './backend.ts';
import { calibrationRecord, checkCalibration, type Calibration, type CalibrationRecord } from './calibration.ts';
import { clockConfig, realClock, simulatorClock, type SkyClock } from './clock.ts';
import { calibrateGroup, calibrationConfig, inputsOf, resume, type GroupCalibration } from './group.ts';
import { aiming, PointingTracker, type Aiming, type PositionSource } from './pointing.ts';
import { defaultTarget, provenance } from './provenance.ts';

export interface SessionSpec {
  /** Source spec (devices/sdr/open.ts): sim, sim:A, rtlsdr:0, rtltcp:HOST:PORT, file:PATH, group:SPEC,SPEC. */
  source: string;
  tuning?: Partial<Tuning>;
  /** Channels C (power of two). */
  channels: number;
  /** Polyphase filter taps T. */
  taps: number;
  /** Integration time (s), rounded to whole spectra. */
  integration: number;
  /** The FX backend, or null for none (a raw recording: samples only). */
  backend: BackendChoice | null;
  threads?: number;
  /** Sim and file sources: multiple of real time, or false for as fast as possible. */
  pacing?: number | false;
  /** Simulator scenario file, or a scenario checked like one (sim sources). */
  scenario?: string | Record<string, unknown>;
  /** A group: measure its delays before correlating (default true). */
  calibrate?: boolean;
  /** Fewest spectra per integration (the live view needs 2 for spectral kurtosis); default 1. */
  minSpectra?: number;
  /** A connected rotator: where the dish points (and the simulated dish follows it). */
  rotator?: PositionSource | null;
  /** The station's site (the simulator's scenario has its own, used while it runs). */
  site: Site;
  /** The station's antennas by input (settings), used for a group of as many inputs that is not simulated. */
  antennas?: AntennaPosition[];
  /** Told of backend changes mid-stream (a lost GPU). */
  onNotice?: (notice: string) => void;
  /** The sky clock for a source that has none of its own (default real time); the simulator keeps its own sky. */
  clock?: SkyClock;
}

/** Spectra per integration for an integration time (s) at a sample rate (Hz), at least one. */
export function spectraFor(integration: number, sampleRate: number, channels: number): number {
  return Math.max(1, Math.round((integration * sampleRate) / channels));
}

/** The simulator engine behind a source (a group's first member's), if any. */
export function simEngineOf(source: SampleSource): SimEngine | null {
  const s = source instanceof CoherentGroup ? source.members[0]! : source;
  return s.info.kind === 'sim' ? ((s as unknown as { engine?: SimEngine }).engine ?? null) : null;
}

/** Whether the source is the simulator: its own, or a group of simulated antennas. */
export function isSimulated(source: SampleSource): boolean {
  return source.info.kind === 'sim' || (source instanceof CoherentGroup && source.members.every((m) => m.info.kind === 'sim'));
}

/** The scenario antenna of each input of a simulated source spec. */
function simAntennas(spec: string): number[] {
  const s = parseSourceSpec(spec);
  if (s.kind === 'sim') return [s.antenna];
  if (s.kind === 'group') return s.members.map((m) => (m.kind === 'sim' ? m.antenna : 0));
  return [0];
}

export class Session {
  /** Sky time origin: Unix s of wall time at sample 0 (the first block's receipt), for a real clock. */
  private t0: number | null = null;
  private iterator: AsyncIterator<Block> | null;
  private sourceClosed = false;
  private closed = false;
  /** The calibration handed to the pipeline since it started, by count (1 = the first setCalibration). */
  private readonly calibrations: CalibrationRecord[] = [];
  private current: CalibrationRecord;
  /** The construction's calibration, as stored. */
  private readonly initial: CalibrationRecord;
  /** The count of the calibration the last integration out of the pipeline carried (0: the construction's). */
  private applied = 0;
  /** The backend's notice when it was opened (a GPU found, or the CPU instead), or null. */
  backendNotice: string | null = null;

  private constructor(
    readonly spec: SessionSpec,
    readonly source: SampleSource,
    iterator: AsyncIterator<Block> | null,
    /** The FX configuration (a raw session's: what to reprocess with by default). */
    readonly fx: FxConfig,
    readonly pipeline: Pipeline | null,
    /** A group's delays as measured when it opened, or null. */
    readonly groupCalibration: GroupCalibration | null,
    /** What the user should know: a backend fallback, a group's delays, the simulator in use. */
    readonly notices: string[],
    readonly clock: SkyClock,
    readonly site: ObservationSite,
    readonly antennas: AntennaPosition[] | undefined,
    readonly aimAt: Aiming,
  ) {
    this.iterator = iterator;
    this.initial = { ...(fx.delays ? { delays: [...fx.delays] } : {}), gains: fx.gains ? fx.gains.map((g) => Array.from(g)) : null };
    this.current = this.initial;
  }

  /** Opens every part, or none: whatever fails closes what was opened and throws. */
  static async open(spec: SessionSpec): Promise<Session> {
    const follow = spec.rotator && /^(group:)?sim(:|,|$)/.test(spec.source) ? spec.rotator : null;
    const source = await openSource(spec.source, {
      tuning: spec.tuning,
      pacing: spec.pacing,
      scenario: spec.scenario,
      ...(follow ? { pointing: { pointingAt: (skyMs: number) => follow.at?.(skyMs) ?? follow.last } } : {}),
    });
    let iterator: AsyncIterator<Block> | null = null;
    try {
      const engine = simEngineOf(source);
      const scenario = engine?.scenario ?? null;
      const antennaIds = engine ? simAntennas(spec.source) : [];
      const inputs = inputsOf(source);
      const site: ObservationSite = scenario
        ? { name: 'simulator', lat: scenario.site.lat, lon: ((((scenario.site.lon + 180) % 360) + 360) % 360) - 180, altitude: 0 }
        : { ...spec.site };
      const antennas = scenario
        ? antennaIds.map((a) => {
            const c = scenario.antennas[a]!;
            return { name: c.name, east: c.position[0], north: c.position[1], up: c.position[2], dishDiameter: c.diameter };
          })
        : spec.antennas && spec.antennas.length === inputs && inputs > 1 ? spec.antennas.map((a) => ({ ...a })) : undefined;
      const aimAt = aiming(spec.rotator ?? null, scenario, scenario ? antennaIds : Array.from({ length: inputs }, (_, a) => a));
      const notices: string[] = [];
      let group: GroupCalibration | null = null;
      if (spec.backend !== null) {
        iterator = source.blocks()[Symbol.asyncIterator]();
        // A group's inputs are lined up before correlating: integer delays from a common signal.
        if (inputs > 1 && spec.calibrate !== false) group = await calibrateGroup(iterator, inputs);
        else if (inputs > 1) group = { fit: null, held: [], notice: 'The group’s delays are not calibrated (asked not to): its inputs are correlated as they come.' };
      }
      const fx: FxConfig = {
        inputs,
        channels: spec.channels,
        taps: spec.taps,
        spectraPerIntegration: Math.max(spec.minSpectra ?? 1, spectraFor(spec.integration, source.tuning.sampleRate, spec.channels)),
        mode: inputs > 1 ? 'full' : 'autos',
        ...(group?.fit ? { delays: group.fit.delays } : {}),
      };
      if (group) notices.push(group.notice);
      let pipeline: Pipeline | null = null;
      let backendNotice: string | null = null;
      if (spec.backend !== null) {
        const opened = await openBackend(spec.backend, fx, { threads: spec.threads, onNotice: spec.onNotice });
        backendNotice = opened.notice;
        if (opened.notice) notices.push(opened.notice);
        pipeline = new Pipeline(opened.backend);
      }
      const clock = engine ? simulatorClock(engine) : (spec.clock ?? realClock);
      const session = new Session(spec, source, iterator, fx, pipeline, group, notices, clock, site, antennas, aimAt);
      session.backendNotice = backendNotice;
      return session;
    } catch (err) {
      await iterator?.return?.().catch(() => {});
      await source.close().catch(() => {});
      throw err;
    }
  }

  get inputs(): number {
    return this.fx.inputs;
  }

  get simulated(): boolean {
    return isSimulated(this.source);
  }

  /** The simulator engine behind the source, or null. */
  get engine(): SimEngine | null {
    return simEngineOf(this.source);
  }

  /** The source's blocks, from the first (those a group's calibration read included); taken once. */
  blocks(): AsyncIterable<Block> {
    const it = this.iterator ?? this.source.blocks()[Symbol.asyncIterator]();
    this.iterator = null;
    return resume(this.groupCalibration?.held ?? [], it);
  }

  /** Notes a block's receipt: the first one fixes a real clock's sample 0. */
  noteBlock(block: Block): void {
    this.t0 ??= block.receivedAt / 1000 - block.firstSample / this.source.tuning.sampleRate;
  }

  /** Sky time (Unix s) of the stream's sample `sample`. */
  timeOfSample(sample: number): number {
    return this.clock.timeOfSample(sample, this.t0, this.source.tuning.sampleRate);
  }

  /**
   * Hands a calibration to the running pipeline, applied from its next
   * integration boundary; returns its count (1 for the first), which the
   * integrations it applies to carry as `calibration`.
   */
  setCalibration(c: Calibration): number {
    if (!this.pipeline) throw new Error('a raw session has no correlator to calibrate');
    checkCalibration(c, this.fx.inputs, this.fx.channels);
    this.pipeline.setCalibration(c);
    const record = calibrationRecord(c);
    this.current = { ...this.current, ...record };
    this.calibrations.push(this.current);
    return this.calibrations.length;
  }

  /** The count of the calibration in effect in the pipeline's output now (0: the construction's). */
  get calibrationApplied(): number {
    return this.applied;
  }

  /** Notes an integration out of the pipeline: which calibration it carries (applied from a boundary). */
  noteIntegration(i: { calibration?: number }): void {
    this.applied = i.calibration ?? this.applied;
  }

  /** The calibration of count `n` (0: the construction's), as stored. */
  calibrationOf(n: number): CalibrationRecord | undefined {
    return n === 0 ? undefined : this.calibrations[n - 1];
  }

  /** What an observation of this session records: provenance, FX settings (the calibration in effect), site, clock, antennas. */
  observationConfig(): ObservationConfig {
    const { gains: _gains, ...fx } = this.fx;
    const cal = this.calibrationOf(this.applied) ?? this.initial;
    return {
      ...provenance(this.source, this.spec.source),
      fx: { ...fx, ...(cal.delays ? { delays: cal.delays } : {}), gains: cal.gains ?? null },
      ...(this.pipeline ? { backend: this.pipeline.backend.name } : {}),
      ...calibrationConfig(this.groupCalibration),
      ...(cal.scale ? { scale: cal.scale } : {}),
      site: this.site,
      clock: clockConfig(this.clock),
      ...(this.antennas && this.antennas.length === this.fx.inputs ? { antennas: this.antennas } : {}),
    } as ObservationConfig;
  }

  /**
   * Starts an observation of this session in the store, at sky time `start`
   * (Unix s), with its site, clock and where the antennas point; returns the
   * recording and the tracker that says when to record the dish moving.
   */
  startObservation(store: Store, o: { mode: string; target?: string; start: number; config?: Partial<ObservationConfig>; extraConfig?: Record<string, unknown> }): { rec: Recording; tracker: PointingTracker } {
    const tracker = new PointingTracker(this.site, this.aimAt);
    const [pointing] = tracker.start(o.start * 1000);
    const rec = store.startObservation({
      mode: o.mode,
      target: o.target ?? defaultTarget(this.source),
      start: o.start,
      siteId: siteId(store, this.site),
      config: { ...o.extraConfig, ...this.observationConfig(), ...(pointing ? { pointing } : {}), ...o.config } as ObservationConfig,
    });
    return { rec, tracker };
  }

  /** Stops the source (its blocks end); the backend stays until `close()`. */
  async closeSource(): Promise<void> {
    if (this.sourceClosed) return;
    this.sourceClosed = true;
    await this.source.close();
  }

  /** Closes the stream, the source and the backend (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.iterator?.return?.().catch(() => {});
      await this.closeSource();
    } finally {
      await this.pipeline?.backend.close();
    }
  }
}

/** The store's id of a site (added the first time it is used). */
function siteId(store: Store, s: ObservationSite): number {
  const found = store.listSites().find((x) => x.name === s.name && x.latitude === s.lat && x.longitude === s.lon && x.altitude === s.altitude);
  return (found ?? store.addSite({ name: s.name, latitude: s.lat, longitude: s.lon, altitude: s.altitude })).id;
}
