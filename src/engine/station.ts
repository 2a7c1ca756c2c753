/**
 * The running station: the only holder of devices. It runs the live
 * pipeline (source → FX core → subscribers), records what it sees into the
 * store on request, and reports everything as events. The UI, the CLI and
 * the Electron shell all drive it through src/api.
 */
import { EventEmitter } from 'node:events';
import type { BaselineCoherence, Notice, SpectrumEvent, StationErrorEvent, StationStatus, TaskEvent } from '../api/types.ts';
import { errorCause } from '../api/errors.ts';
import { Pipeline } from '../../correlator/pipeline.ts';
import { BlockStage, Stage, type StageCounts } from './stages.ts';
import { spectralKurtosis } from '../../correlator/sk.ts';
import type { BackendChoice, Block, FxConfig, Integration } from '../../correlator/types.ts';
import { baselineIndex } from '../../correlator/baselines.ts';
import { CoherentGroup } from '../../devices/sdr/group.ts';
import { openSource } from '../../devices/sdr/open.ts';
import type { SampleSource, Tuning } from '../../devices/sdr/source.ts';
import type { Recording } from '../../observations/store/recording.ts';
import { Store } from '../../observations/store/store.ts';
import { bandPower, channelFlags } from '../analysis/rfi.ts';
import type { Site } from '../astro/site.ts';
import { nextSunTransit, sunPosition } from '../astro/sun.ts';
import { openBackend } from './backend.ts';
import { RotatorControl, type RotatorConnect, type RotatorEvent, type RotatorStatus } from './rotator.ts';
import { sunHorizontal } from '../../devices/sim/pointing.ts';
import type { SimEngine } from '../../devices/sim/engine.ts';
import { loadSettings, saveSettings, type StationSettings } from './settings.ts';
import { builtInScenarioNames, discoverSources, endpointProblem, listDongles, scenarioFile, type Sources } from './sources.ts';
import type { Greeting } from '../../devices/sdr/rtltcp-codec.ts';
import { spectraFor } from './observe.ts';
import { reprocess } from './reprocess.ts';
import { recordRawInto } from './raw.ts';
import { defaultTarget, provenance } from './provenance.ts';
import { calibrateGroup, calibrationConfig, inputsOf, resume, type GroupCalibration } from './group.ts';
import { Uploads, type UploadJobView } from './uploads.ts';

export interface LiveOptions {
  /** Source spec (devices/sdr/open.ts); default 'sim'. */
  source?: string;
  tuning?: Partial<Tuning>;
  channels?: number;
  taps?: number;
  /** Seconds per spectrum shown (and per integration recorded); default 0.25. */
  integration?: number;
  backend?: BackendChoice;
  threads?: number;
  /** Sim and file sources: multiple of real time, or false for as fast as possible. */
  pacing?: number | false;
  /** A group: measure its delays before correlating (default true). */
  calibrate?: boolean;
}

/** Each baseline's cross power summed over the band (channels flagged on either input left out), normalised by the autos. */
export function bandCoherence(i: Pick<Integration, 'visibilities'>, N: number, C: number, flags: readonly Uint8Array[]): BaselineCoherence[] {
  const out: BaselineCoherence[] = [];
  const v = i.visibilities;
  for (let a = 0; a < N; a++) {
    for (let b = a + 1; b < N; b++) {
      const pab = baselineIndex(N, a, b), paa = baselineIndex(N, a, a), pbb = baselineIndex(N, b, b);
      let re = 0, im = 0, sa = 0, sb = 0;
      for (let j = 0; j < C; j++) {
        if (flags[a]![j] || flags[b]![j]) continue;
        re += v[2 * (pab * C + j)]!;
        im += v[2 * (pab * C + j) + 1]!;
        sa += v[2 * (paa * C + j)]!;
        sb += v[2 * (pbb * C + j)]!;
      }
      out.push({ a, b, coherence: sa > 0 && sb > 0 ? Math.hypot(re, im) / Math.sqrt(sa * sb) : 0, phase: (Math.atan2(im, re) * 180) / Math.PI });
    }
  }
  return out;
}

export interface StationEvents {
  spectrum: [SpectrumEvent];
  status: [StationStatus];
  error: [StationErrorEvent];
  rotator: [RotatorEvent];
  upload: [UploadJobView];
  task: [TaskEvent];
}

interface LiveSession {
  options: Required<Omit<LiveOptions, 'threads' | 'pacing' | 'tuning' | 'calibrate'>> & Pick<LiveOptions, 'threads' | 'pacing' | 'calibrate'>;
  source: SampleSource;
  pipeline: Pipeline;
  stopped: boolean;
  done: Promise<void>;
  /** Unix time of sample 0 (s). */
  t0: number | null;
  /** First sample of the next integration (samples since sample 0). */
  next: number;
  /** First sample of the next block the reader takes (samples since sample 0). */
  nextBlock: number;
  /** Source → FX core: drops when full for a source that cannot wait (a dongle, the paced simulator), else waits. */
  blocks: BlockStage;
  /** FX core → store and subscribers: waits (nothing computed is lost). */
  integrations: Stage<Integration>;
  /** The source's blocks (after those a group's calibration read). */
  stream: AsyncIterable<Block>;
  /** A group's delay calibration, or null for a single input. */
  calibration: GroupCalibration | null;
}

/** Whether the source is the simulator: its own, or a group of simulated antennas. */
function isSimulated(source: SampleSource): boolean {
  return source.info.kind === 'sim' || (source instanceof CoherentGroup && source.members.every((m) => m.info.kind === 'sim'));
}

/** The simulator engine behind a source (a group's first member's), if any. */
function simEngine(source: SampleSource): SimEngine | undefined {
  const s = source instanceof CoherentGroup ? source.members[0]! : source;
  return s.info.kind === 'sim' ? (s as unknown as { engine?: SimEngine }).engine : undefined;
}

/**
 * The bounded queues of a live session. A source that cannot wait (a
 * dongle, rtl_tcp, the paced simulator, which keeps its pace like a dongle)
 * feeds a stage that drops when the FX core falls behind; a recording or an
 * unpaced simulator is read no faster than the FX core takes it.
 */
function liveStages(source: SampleSource, pacing: number | false | undefined): Pick<LiveSession, 'blocks' | 'integrations'> {
  const inputs = inputsOf(source);
  const lossless = source.info.kind === 'file' || pacing === false;
  return {
    blocks: new BlockStage('blocks', 16 * inputs, lossless ? 'wait' : 'drop'),
    integrations: new Stage<Integration>('integrations', 8, 'wait'),
  };
}

/** A raw recording's share of the live stream. */
interface RawTap {
  tap: BlockStage;
  /** Samples written so far. */
  samples: number;
  /** Why it ended early (the source stopped), or null. */
  ended: string | null;
}

function refuseTuning(): never {
  throw new StationError('a raw recording follows the live view: retune the live view, not the recording');
}

export class StationError extends Error {
  override name = 'StationError';
}

export class Station extends EventEmitter<StationEvents> {
  private live: LiveSession | null = null;
  /** `offset`: the live stream's sample at which the recording starts; the store counts samples from there. */
  private recording: { rec: Recording; mode: string; target: string; integrations: number; offset: number; raw: RawTap | null } | null = null;
  /** Raw recordings still being closed (their SigMF meta written, the observation ended). */
  private finishing = new Set<Promise<void>>();
  private notices: Notice[] = [];
  /** The source spec a live start is opening (between stopping the old session and running the new), else null. */
  private starting: string | null = null;
  private settings: StationSettings;
  private rotatorCtl: RotatorControl | null = null;
  /** Upload targets and jobs (uploads.ts). */
  readonly uploads: Uploads;

  private constructor(
    readonly store: Store,
    readonly dataDir: string,
  ) {
    super();
    this.settings = loadSettings(dataDir);
    this.uploads = new Uploads(store);
    this.uploads.on('upload', (e) => this.emit('upload', e));
    this.uploads.on('queue-error', (e) => this.emit('error', e));
    // Jobs queued when the station last stopped go on now.
    this.uploads.resume();
  }

  static open(dataDir: string): Station {
    return new Station(Store.open(dataDir), dataDir);
  }

  /** The first dongle librtlsdr finds, as a source spec, or null (none, or no librtlsdr). */
  static async firstDongle(): Promise<string | null> {
    return (await listDongles()).devices.length > 0 ? 'rtlsdr:0' : null;
  }

  get site(): Site {
    return this.settings.site;
  }

  setSite(site: Site): Site {
    saveSettings(this.dataDir, { ...this.settings, site });
    this.settings = loadSettings(this.dataDir);
    this.emitStatus();
    return this.settings.site;
  }

  /** What the station can listen to (sources.ts): dongles, the rtl_tcp endpoints (each probed, but not the one in use), the simulator's scenarios. */
  sources(): Promise<Sources> {
    const l = this.live;
    // A source being opened is in use too: probing its rtl_tcp servers now would take them from it (each serves one client).
    const live = this.starting ? { source: this.starting, greeting: null } : l && { source: l.options.source, greeting: (l.source as { greeting?: Greeting | null }).greeting ?? null };
    return discoverSources({ endpoints: this.settings.rtlTcpEndpoints, scenario: this.settings.scenario, live });
  }

  /** Adds an rtl_tcp server (HOST:PORT) to the sources offered, persisted; resolves to the sources with it probed. */
  async addEndpoint(text: string): Promise<Sources> {
    const problem = endpointProblem(text);
    if (problem) throw new StationError(problem);
    const endpoint = text.trim();
    const list = this.settings.rtlTcpEndpoints;
    if (list.some((e) => e.toLowerCase() === endpoint.toLowerCase())) throw new StationError(`${endpoint} is already listed`);
    if (list.length >= 32) throw new StationError('32 rtl_tcp endpoints are listed already: remove one first');
    this.changeSettings({ rtlTcpEndpoints: [...list, endpoint] });
    return this.sources();
  }

  /** Removes an rtl_tcp server from the sources offered (a live view using it carries on). */
  async removeEndpoint(text: string): Promise<Sources> {
    const endpoint = text.trim();
    const list = this.settings.rtlTcpEndpoints;
    if (!list.some((e) => e.toLowerCase() === endpoint.toLowerCase())) throw new StationError(`${endpoint} is not in the list of rtl_tcp endpoints`);
    this.changeSettings({ rtlTcpEndpoints: list.filter((e) => e.toLowerCase() !== endpoint.toLowerCase()) });
    return this.sources();
  }

  /**
   * Chooses the simulator's scenario: a built-in name, or null for the
   * default; persisted. A live simulator restarts on it (the scenario's own
   * tuning; channels, taps, integration and backend kept); while the
   * simulator is recording it is refused.
   */
  async setScenario(name: string | null): Promise<StationStatus> {
    if (name !== null && !builtInScenarioNames().includes(name)) {
      throw new StationError(`there is no built-in scenario '${name}': choose one of ${builtInScenarioNames().join(', ')}, or the default`);
    }
    const l = this.live;
    const simLive = !!l && isSimulated(l.source);
    if (simLive && this.recording) {
      throw new StationError(`the simulator is recording observation ${this.recording.rec.id}: stop the recording before changing its scenario`);
    }
    this.changeSettings({ scenario: name });
    if (l && simLive) {
      const o = l.options;
      await this.startLive({ source: o.source, channels: o.channels, taps: o.taps, integration: o.integration, backend: o.backend, threads: o.threads, pacing: o.pacing });
    }
    this.emitStatus();
    return this.status();
  }

  private changeSettings(change: Partial<StationSettings>): void {
    saveSettings(this.dataDir, { ...this.settings, ...change });
    this.settings = loadSettings(this.dataDir);
  }

  sun(at = new Date()) {
    return { ...sunPosition(this.site, at), nextTransit: nextSunTransit(this.site, at), sky: this.skySun() };
  }

  status(): StationStatus {
    const l = this.live;
    return {
      live: l && {
        source: l.options.source,
        kind: l.source.info.kind,
        name: l.source.info.name,
        tuning: { ...l.source.tuning },
        channels: l.options.channels,
        taps: l.options.taps,
        integration: l.options.integration,
        backend: l.pipeline.backend.name,
        stages: [l.blocks.snapshot(), l.integrations.snapshot()],
        droppedSamples: l.blocks.droppedSamples,
      },
      recording: this.recording && {
        id: this.recording.rec.id,
        mode: this.recording.mode,
        target: this.recording.target,
        integrations: this.recording.integrations,
        ...(this.recording.raw ? { samples: this.recording.raw.samples } : {}),
      },
      site: this.site,
      scenario: this.settings.scenario,
      notices: [...this.notices],
      rotator: this.rotatorCtl?.status() ?? null,
    };
  }

  /** Starts (or restarts with new options) the live pipeline. */
  async startLive(options: LiveOptions = {}): Promise<StationStatus> {
    if (this.recording) throw new StationError('stop the recording before changing the source or tuning');
    this.starting = options.source ?? 'sim';
    try {
      return await this.openLive(options);
    } finally {
      this.starting = null;
    }
  }

  private async openLive(options: LiveOptions): Promise<StationStatus> {
    await this.stopLive();
    const o = {
      source: options.source ?? 'sim',
      channels: options.channels ?? 1024,
      taps: options.taps ?? 4,
      integration: options.integration ?? 0.25,
      backend: options.backend ?? 'auto',
      threads: options.threads,
      pacing: options.pacing,
    };
    const ctl = this.rotatorCtl;
    // A simulated dish follows a connected rotator's last reported position (read at 2 Hz by the rotator's poll).
    const pointing = ctl && /^(group:)?sim(:|,|$)/.test(o.source) ? { pointingAt: () => ctl.last } : undefined;
    const source = await openSource(o.source, { tuning: options.tuning, pacing: o.pacing, scenario: scenarioFile(this.settings.scenario), pointing });
    const inputs = inputsOf(source);
    const stream = source.blocks()[Symbol.asyncIterator]();
    let opened, calibration: GroupCalibration | null = null;
    try {
      // A group's inputs are lined up before correlating: integer delays from a common signal.
      if (inputs > 1 && options.calibrate !== false) calibration = await calibrateGroup(stream, inputs);
      else if (inputs > 1) calibration = { fit: null, held: [], notice: 'The group’s delays are not calibrated (asked not to): its inputs are correlated as they come.' };
      const fx: FxConfig = {
        inputs,
        channels: o.channels,
        taps: o.taps,
        // At least 2 spectra: spectral kurtosis needs them.
        spectraPerIntegration: Math.max(2, spectraFor(o.integration, source.tuning.sampleRate, o.channels)),
        mode: inputs > 1 ? 'full' : 'autos',
        ...(calibration?.fit ? { delays: calibration.fit.delays } : {}),
      };
      opened = await openBackend(o.backend, fx, {
        threads: o.threads,
        onNotice: (notice) => {
          this.notices.push({ kind: 'gpu-fallback', text: notice });
          this.emitStatus();
        },
      });
    } catch (err) {
      await stream.return?.();
      await source.close();
      throw err;
    }
    this.notices = opened.notice ? [{ kind: 'gpu-fallback', text: opened.notice }] : [];
    if (calibration) this.notices.push({ kind: 'group-calibration', text: calibration.notice, delays: calibration.fit?.delays ?? null });
    if (isSimulated(source)) this.notices.push({ kind: 'simulator', text: 'No dongle in use: showing the built-in simulator.' });
    if (pointing) this.notices.push({ kind: 'rotator-follow', text: `The simulated dish follows the rotator (${ctl!.driver}).` });
    const session: LiveSession = {
      options: o,
      source,
      pipeline: new Pipeline(opened.backend),
      stopped: false,
      done: Promise.resolve(),
      t0: null,
      next: 0,
      nextBlock: 0,
      ...liveStages(source, o.pacing),
      stream: resume(calibration?.held ?? [], stream),
      calibration,
    };
    session.done = this.run(session);
    this.live = session;
    this.emitStatus();
    return this.status();
  }

  async stopLive(): Promise<void> {
    const l = this.live;
    if (!l) return;
    l.stopped = true;
    l.blocks.drain();
    await l.source.close();
    await l.done;
    this.live = null;
    this.emitStatus();
  }

  /**
   * Records the live stream into the store from the next integration on
   * (mode spectrum or totalpower), or its samples as they come to SigMF in
   * the data folder (mode raw); returns the observation id.
   */
  startRecording(spec: { mode?: string; target?: string } = {}): number {
    const l = this.live;
    if (!l) throw new StationError('nothing to record: start the live view first');
    if (this.recording) throw new StationError(`already recording observation ${this.recording.rec.id}`);
    if (spec.mode === 'raw') return this.startRaw(l, spec.target);
    const cfg = l.pipeline.config;
    const target = spec.target ?? defaultTarget(l.source);
    // The recording begins with the next integration: its start, from the sample count, is the
    // observation's start, and the store's sample indices count from there.
    const offset = l.t0 === null ? 0 : l.next;
    const rec = this.store.startObservation({
      mode: spec.mode ?? 'spectrum',
      target,
      start: (l.t0 ?? Date.now() / 1000) + offset / l.source.tuning.sampleRate,
      config: {
        ...provenance(l.source, l.options.source),
        fx: { inputs: cfg.inputs, channels: cfg.channels, taps: cfg.taps, spectraPerIntegration: cfg.spectraPerIntegration, mode: cfg.mode, delays: cfg.delays, gains: null },
        backend: l.pipeline.backend.name,
        ...calibrationConfig(l.calibration),
      },
    });
    this.recording = { rec, mode: spec.mode ?? 'spectrum', target, integrations: 0, offset, raw: null };
    this.emitStatus();
    return rec.id;
  }

  /** Raw IQ: the blocks the reader takes from here on, through a stage of their own (a slow disk drops blocks, recorded as gaps), to SigMF. */
  private startRaw(l: LiveSession, target = defaultTarget(l.source)): number {
    if (l.pipeline.config.inputs > 1) throw new StationError('raw recording takes one dongle; record the group in spectrum mode, or each dongle on its own');
    const cfg = l.pipeline.config;
    const rate = l.source.tuning.sampleRate;
    const rec = this.store.startObservation({
      mode: 'raw',
      target,
      start: (l.t0 ?? Date.now() / 1000) + l.nextBlock / rate,
      config: {
        ...provenance(l.source, l.options.source),
        // The correlator settings to reprocess with by default.
        fx: { inputs: 1, channels: cfg.channels, taps: cfg.taps, spectraPerIntegration: cfg.spectraPerIntegration, mode: 'autos' },
      },
    });
    const tap = new BlockStage('raw', 64, 'drop');
    const source = l.source;
    const tee: SampleSource = {
      info: source.info,
      get tuning() {
        return source.tuning;
      },
      gains: source.gains,
      setCenterFrequency: refuseTuning,
      setSampleRate: refuseTuning,
      setGain: refuseTuning,
      setPpm: refuseTuning,
      setBiasTee: refuseTuning,
      blocks: () => tap,
      close: async () => tap.end(),
    };
    const raw: RawTap = { tap, samples: 0, ended: null };
    const finish = recordRawInto(this.store, rec, tee, { onProgress: (p) => (raw.samples = p.samples) })
      .then(({ samples, failure }) => {
        if (failure) {
          rec.interrupt((failure as Error).message ?? String(failure));
          this.fail(failure, 'recording');
        } else if (raw.ended) rec.interrupt(raw.ended);
        else rec.complete(rec.start + samples / rate);
      })
      .catch((err: unknown) => this.fail(err, 'recording'))
      .finally(() => {
        this.finishing.delete(finish);
        this.emitStatus();
      });
    this.finishing.add(finish);
    this.recording = { rec, mode: 'raw', target, integrations: 0, offset: 0, raw };
    this.emitStatus();
    return rec.id;
  }

  /** Stops recording; returns the observation's id. A raw recording is closed in the background: await `recordingsClosed()`. */
  stopRecording(): number | null {
    const r = this.recording;
    if (!r) return null;
    if (r.raw) r.raw.tap.end();
    else if (r.rec.active) r.rec.complete();
    this.recording = null;
    this.emitStatus();
    return r.rec.id;
  }

  /**
   * A raw observation through the FX core again with new settings (reprocess.ts), as fast as the
   * machine allows, into a new observation; 'task' events report its progress.
   */
  async reprocess(spec: { id: number; channels?: number; taps?: number; integration?: number; backend?: BackendChoice }): Promise<{ id: number; integrations: number; status: string }> {
    const task: TaskEvent = { kind: 'reprocess', observation: spec.id, fraction: 0, message: `reprocessing observation ${spec.id}` };
    this.emit('task', task);
    let last = 0;
    try {
      const result = await reprocess(
        { observationId: spec.id, dataDir: this.dataDir, channels: spec.channels, taps: spec.taps, integration: spec.integration, backend: spec.backend ?? 'cpu' },
        {
          onProgress: (p) => {
            const now = performance.now();
            if (now - last < 200) return;
            last = now;
            this.emit('task', { ...task, fraction: p.samples / p.total, message: `${p.integrations} integrations` });
          },
        },
      );
      this.emit('task', { ...task, fraction: 1, message: `done: observation ${result.observationId}, ${result.integrations} integrations`, result: result.observationId });
      return { id: result.observationId, integrations: result.integrations, status: result.status };
    } catch (err) {
      this.emit('task', { ...task, message: `failed: ${(err as Error).message}`, failed: true });
      throw err;
    }
  }

  /** Resolves once every stopped raw recording has its SigMF meta written and its observation ended. */
  async recordingsClosed(): Promise<void> {
    while (this.finishing.size > 0) await Promise.all([...this.finishing]);
  }

  /**
   * Connects a rotator (replacing any connected one) and streams its position
   * as 'rotator' events at 2 Hz. With the simulator live and nothing being
   * recorded, the live view restarts so the simulated dish follows it.
   */
  async connectRotator(spec: RotatorConnect): Promise<StationStatus> {
    await this.disconnectRotator();
    const ctl = await RotatorControl.connect(spec);
    this.rotatorCtl = ctl;
    ctl.on('position', () => this.emit('rotator', this.rotatorEvent(ctl)));
    ctl.on('arrived', (p) => {
      // A recording keeps where the dish pointed: one event per arrival.
      const r = this.recording;
      if (r?.rec.active) {
        try {
          r.rec.event('pointing', { az: p.az, el: p.el, target: p.target, driver: ctl.driver });
        } catch (err) {
          this.fail(err, 'recording');
        }
      }
      this.emitStatus();
    });
    ctl.on('error', (err) => {
      // The controller stopped answering (or failed): it is closed; say so, and the station carries on without it.
      if (this.rotatorCtl === ctl) this.rotatorCtl = null;
      this.replaceFollowNotice(`The rotator stopped answering: the simulated dish stays at az ${ctl.last.az.toFixed(1)}° el ${ctl.last.el.toFixed(1)}° until the live view restarts.`);
      this.emit('error', { kind: `rotator-${err.kind}`, message: `Rotator disconnected: ${err.message}`, area: 'rotator', cause: errorCause(err) });
      this.emitStatus();
    });
    await this.followRotator();
    this.emitStatus();
    this.emit('rotator', this.rotatorEvent(ctl));
    return this.status();
  }

  async disconnectRotator(): Promise<StationStatus> {
    const ctl = this.rotatorCtl;
    if (ctl) {
      this.rotatorCtl = null;
      await ctl.close();
      // A simulated dish that followed it goes back to the scenario's pointing.
      if (this.live && isSimulated(this.live.source) && this.notices.some((n) => n.kind === 'rotator-follow')) {
        if (this.recording) this.replaceFollowNotice(`Rotator disconnected: the simulated dish stays at az ${ctl.last.az.toFixed(1)}° el ${ctl.last.el.toFixed(1)}° until the live view restarts.`);
        else await this.followRotator();
      }
      this.emitStatus();
    }
    return this.status();
  }

  private replaceFollowNotice(text: string): void {
    const i = this.notices.findIndex((n) => n.kind === 'rotator-follow');
    if (i >= 0) this.notices[i] = { kind: 'rotator-lost', text };
  }

  /** Commands a move; resolves once the controller took it (the 'rotator' events show the slew). */
  async rotatorGoto(az: number, el: number): Promise<{ az: number; el: number }> {
    return this.needRotator().goto(az, el);
  }

  async rotatorStop(): Promise<StationStatus> {
    await this.needRotator().stop();
    return this.status();
  }

  async rotatorPark(): Promise<StationStatus> {
    await this.needRotator().park();
    return this.status();
  }

  /**
   * The sun in the sky the dish sees, degrees: the simulator's (its site and
   * sky time) when the live source is the simulator, else the station site's now.
   */
  skySun(): { az: number; el: number; sky: 'simulator' | 'site' } {
    const engine = this.live ? simEngine(this.live.source) : undefined;
    if (engine) {
      const p = sunHorizontal(engine.scenario.site, engine.skyTimeAt(engine.position(0)));
      return { az: p.az, el: p.el, sky: 'simulator' };
    }
    const p = sunPosition(this.site, new Date());
    return { az: p.az, el: p.el, sky: 'site' };
  }

  private needRotator(): RotatorControl {
    if (!this.rotatorCtl) throw new StationError('no rotator connected: connect one on the Station page first');
    return this.rotatorCtl;
  }

  private rotatorEvent(ctl: RotatorControl): RotatorEvent {
    let sun: RotatorEvent['sun'] = null;
    try {
      sun = this.skySun();
    } catch {
      sun = null;
    }
    return { ...ctl.snapshot(), driver: ctl.driver, port: ctl.port, sun };
  }

  /** Restarts a simulated live view with the same settings so its dish follows the connected rotator. */
  private async followRotator(): Promise<void> {
    const l = this.live;
    if (!l || !isSimulated(l.source)) return;
    if (this.recording) {
      this.notices.push({ kind: 'rotator-follow', text: 'The simulated dish follows the rotator from the next live start (a recording is running).' });
      return;
    }
    const o = l.options;
    await this.startLive({ source: o.source, channels: o.channels, taps: o.taps, integration: o.integration, backend: o.backend, threads: o.threads, pacing: o.pacing, tuning: { ...l.source.tuning } });
  }

  async close(): Promise<void> {
    await this.uploads.close();
    await this.disconnectRotator();
    this.stopRecording();
    await this.recordingsClosed();
    await this.stopLive();
    this.store.close();
  }

  /**
   * The live session's three stages, each a loop over a bounded queue:
   * the reader takes blocks from the source, the correlator turns them into
   * integrations, the sink records them and tells subscribers. A failure in
   * one ends the stages after it once they have used what was queued, so an
   * integration computed before a dongle fails is still recorded.
   */
  private async run(l: LiveSession): Promise<void> {
    const reading = this.read(l);
    const correlating = this.correlate(l);
    let failure: unknown = null;
    try {
      for await (const i of l.integrations) this.integration(l, i);
    } catch (err) {
      failure = err;
    }
    l.blocks.drain();
    l.integrations.drain();
    // The source ended or failed on its own, or the FX core failed: release the device.
    if (!l.stopped) await l.source.close().catch(() => {});
    await Promise.all([reading, correlating]);
    await l.pipeline.backend.close();
    if (l.stopped) return;
    if (failure) this.fail(failure, 'live');
    // Keep what was recorded, and say so.
    if (this.recording) {
      const why = failure ? `the live view failed: ${(failure as Error).message ?? failure}` : 'the source stopped';
      const raw = this.recording.raw;
      if (raw) {
        raw.ended = why;
        raw.tap.end();
      } else this.recording.rec.interrupt(why);
      this.recording = null;
    }
    this.live = null;
    this.emitStatus();
  }

  /** Source → blocks stage (which counts what it drops and tells the correlator where). */
  private async read(l: LiveSession): Promise<void> {
    let yielded = performance.now();
    try {
      for await (const block of l.stream) {
        if (l.stopped || l.blocks.ended) break;
        l.t0 ??= block.receivedAt / 1000 - block.firstSample / l.source.tuning.sampleRate;
        void this.recording?.raw?.tap.putBlock(block);
        l.nextBlock = block.firstSample + block.data.length / 2;
        await l.blocks.putBlock(block);
        // An unpaced source (pacing: false) and the FX core can keep to the microtask queue for good:
        // every 20 ms let timers and I/O run (the rotator's poll, the API's sockets).
        if (performance.now() - yielded > 20) {
          await new Promise<void>((r) => setImmediate(r));
          yielded = performance.now();
        }
      }
      l.blocks.end();
    } catch (err) {
      l.blocks.fail(err);
    }
  }

  /** Blocks stage → FX core → integrations stage (which waits: nothing computed is dropped); the sink is the loop in run(). */
  private async correlate(l: LiveSession): Promise<void> {
    try {
      for await (const block of l.blocks) {
        for (const i of await l.pipeline.push(block)) await l.integrations.put(i);
      }
      l.integrations.end();
    } catch (err) {
      l.integrations.fail(err);
      l.blocks.drain();
    }
  }

  private integration(l: LiveSession, i: Integration): void {
    const C = l.pipeline.config.channels;
    l.next = i.firstSample + i.spectra * C;
    if (this.recording && !this.recording.raw) {
      try {
        this.recording.rec.append(this.recording.offset ? { ...i, firstSample: i.firstSample - this.recording.offset } : i);
        this.recording.integrations++;
      } catch (err) {
        // Disk full, read-only: the recording stops with what it has; the live view goes on.
        this.fail(err, 'recording');
        this.recording = null;
        this.emitStatus();
      }
    }
    if (this.listenerCount('spectrum') === 0) return;
    const K = i.spectra;
    const N = l.pipeline.config.inputs, mode = l.pipeline.config.mode;
    const sk = K >= 2 ? spectralKurtosis(i, N, C, mode) : new Float64Array(N * C).fill(1);
    const power: Float32Array[] = [], skOf: Float32Array[] = [], flagsOf: Uint8Array[] = [];
    for (let a = 0; a < N; a++) {
      const p = mode === 'full' ? baselineIndex(N, a, a) : a;
      const pw = new Float32Array(C);
      for (let j = 0; j < C; j++) pw[j] = i.visibilities[2 * (p * C + j)]! / K;
      power.push(pw);
      skOf.push(Float32Array.from(sk.subarray(a * C, (a + 1) * C)));
      flagsOf.push(channelFlags(C, sk.subarray(a * C, (a + 1) * C), K));
    }
    this.emit('spectrum', {
      time: (l.t0 ?? Date.now() / 1000) + i.firstSample / l.source.tuning.sampleRate,
      centerFrequency: l.source.tuning.centerFrequency,
      sampleRate: l.source.tuning.sampleRate,
      channels: C,
      spectra: K,
      power,
      sk: skOf,
      totalPower: power.map((pw, a) => bandPower(pw, flagsOf[a]!)),
      clipped: i.clipped,
      dropped: i.dropped,
      stages: [l.blocks.snapshot(), l.integrations.snapshot()],
      recording: this.recording?.rec.id ?? null,
      ...(mode === 'full' && N > 1 ? { baselines: bandCoherence(i, N, C, flagsOf) } : {}),
    });
  }

  private fail(err: unknown, area: StationErrorEvent['area']): void {
    const kind = (err as { kind?: string }).kind ?? 'error';
    this.emit('error', { kind, message: err instanceof Error ? err.message : String(err), area, cause: errorCause(err) });
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }
}
