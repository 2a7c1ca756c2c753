/**
 * The running station: the only holder of devices, and a small facade over
 * its parts: a live session (session.ts, its stages in live.ts), a recorder
 * (recorder.ts), the dish (dish.ts: a rotator and the simulated dish that
 * follows it), settings (settings.ts) and uploads (uploads.ts). Every change
 * of session (start, stop, scenario, rotator) goes through one queue, one at
 * a time, and a refused change leaves the running session as it was. The UI,
 * the CLI and the Electron shell all drive it through src/api.
 */
import { Qualification } from './qualify.ts';
import { driftPlanView, runDrift, type CalibrationMethod, type DriftProgress, type DriftRunResult } from './drift-run.ts';
import type { DriftPlanView } from '../api/types.ts';
import { applyCurrentCalibration } from './live-kelvin.ts';
import { correctedPointing, loadPointingCorrection } from './pointing-correction.ts';
import { EventEmitter } from 'node:events';
import type { ScheduleJobView } from '../api/types.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { stationRunner } from './scheduler/runner.ts';
import { jobAnalysis } from './scheduler/results.ts';
import { devicesOf } from './live.ts';
import type { HiTuningView, Notice, SpectrumEvent, StationErrorEvent, StationStatus, TaskEvent } from '../api/types.ts';
import { errorCause } from '../api/errors.ts';
import type { Integration } from '../../correlator/types.ts';
import type { AntennaPosition } from '../../observations/store/types.ts';
import type { Greeting } from '../../devices/sdr/rtltcp-codec.ts';
import { SerialQueue } from '../../devices/serial-queue.ts';
import { Store } from '../../observations/store/store.ts';
import type { Site } from '../astro/site.ts';
import { nextSunTransit, sunPosition } from '../astro/sun.ts';
import type { Calibration } from './calibration.ts';
import { liveHiTuning, liveLsr } from './hi-live.ts';
import { hiObserveOptions, observeSwitched, type SwitchedObserveResult } from './hi-switch.ts';
import { hiObserveTask } from './hi-progress.ts';
import { GroupLiveTracking, trackingText } from './group-live.ts';
import { CoherentGroup } from '../../devices/sdr/group.ts';
import { realClock, type SkyClock } from './clock.ts';
import { Dish, followPrefix, stayNotice } from './dish.ts';
import { resolveLive, type LiveOptions, type LiveView } from './live.ts';
import { LiveSlot } from './live-slot.ts';
import { Recorder } from './recorder.ts';
import { reprocessTask, type ReprocessSpec } from './reprocess.ts';
import type { RotatorConnect, RotatorEvent } from './rotator.ts';
import { Session } from './session.ts';
import { sessionTuning } from './offset-tuning.ts';
import { scenarioOf, sourceForScenario } from './scenario-switch.ts';
import { PowerLog } from './power-log.ts';
import type { LiveHistory } from '../api/history.ts';
import { loadSettings, saveSettings, withEndpoint, withoutEndpoint, type StationSettings } from './settings.ts';
import { builtInScenarioNames, discoverSources, endpointProblem, listDongles, scenarioFile, type Sources } from './sources.ts';
import { spectrumEvent } from './spectrum.ts';
import { Uploads, type UploadJobView } from './uploads.ts';

export { bandCoherence } from '../analysis/coherence.ts';
export type { LiveOptions } from './live.ts';

export interface StationEvents {
  spectrum: [SpectrumEvent];
  status: [StationStatus];
  error: [StationErrorEvent];
  rotator: [RotatorEvent];
  upload: [UploadJobView];
  task: [TaskEvent];
  schedule: [ScheduleJobView];
  drift: [DriftProgress];
}

export class StationError extends Error {
  override name = 'StationError';
}

export class Station extends EventEmitter<StationEvents> {
  private readonly slot = new LiveSlot({
    open: (o) =>
      Session.open({
        ...o, tuning: sessionTuning(o.source, scenarioFile(this.settings.scenario), o.tuning), minSpectra: 2, scenario: scenarioFile(this.settings.scenario), rotator: this.dish.rotator, site: this.site, clock: this.baseClock, antennas: this.settings.antennas,
        onNotice: (notice) => {
          this.notices.push({ kind: 'gpu-fallback', text: notice });
          this.emitStatus();
        },
      }),
    sink: { block: (view, b) => { this.recorder.block(view, b); if (this.slot.holds(view)) this.tracking?.block(b); }, integration: (view, i) => this.integration(view, i), ended: (view, failure) => this.ended(view, failure) },
    installed: (view) => this.installed(view),
    fail: (err) => this.fail(err, 'live'),
  });
  private notices: Notice[] = [];
  private readonly powerLog = new PowerLog();
  /** A live group's calibration tracking (group-live.ts), or null. */
  private tracking: GroupLiveTracking | null = null;
  /** Seconds of samples between a live group's calibration checks (from the next live start). */
  groupRecheckSeconds = 60;
  /** The source spec a live start is opening (from stopping the old session until the new one runs), else null. */
  private starting: string | null = null;
  private settings: StationSettings;
  /** Session changes, one at a time. */
  private readonly changes = new SerialQueue();
  private readonly recorder: Recorder;
  private readonly dish = new Dish();
  /** Upload targets and jobs (uploads.ts). */
  readonly uploads: Uploads;
  /** Qualification runs and their reports (qualify.ts); progress as 'task' events. */
  readonly qualification: Qualification;

  /** Scheduled jobs (scheduler/): run once `scheduler.start()` is called (fringe serve, the desktop app). */
  readonly scheduler: Scheduler;

  private constructor(
    readonly store: Store,
    readonly dataDir: string,
    /** The sky clock when the simulator is not live (real time unless a scheduler or a test injects another). */
    private readonly baseClock: SkyClock,
  ) {
    super();
    this.settings = loadSettings(dataDir);
    this.recorder = new Recorder(store, () => this.emitStatus(), (err) => this.fail(err, 'recording'));
    this.uploads = new Uploads(store);
    this.uploads.on('upload', (e) => this.emit('upload', e));
    this.qualification = new Qualification(dataDir, (t) => this.emit('task', t));
    this.uploads.on('queue-error', (e) => this.sayError(e));
    // Jobs queued when the station last stopped go on now.
    this.uploads.resume();
    this.scheduler = new Scheduler({
      store, site: () => this.site, clock: () => this.baseClock,
      run: stationRunner({ dataDir, scenario: () => scenarioFile(this.settings.scenario), rotator: () => this.dish.rotator, free: (source) => this.freeFor(source) }),
      analyse: jobAnalysis(store),
      park: async () => {
        const r = this.dish.rotator;
        if (!r) return false;
        await r.park();
        return true;
      },
    });
    this.scheduler.on('job', (j) => {
      this.emit('schedule', j);
      // (A job said to start is running even before the scheduler marks itself busy.)
      if (j.state !== 'running') this.restoreAfterJobs();
    });
    this.dish.on('position', (ctl) => this.emit('rotator', this.dish.event(ctl, this.safeSkySun())));
    this.dish.on('arrived', (ctl, p) => {
      // A recording keeps where the dish pointed: one event per arrival.
      this.recorder.pointing({ target: p.target, driver: ctl.driver });
      this.emitStatus();
    });
    this.dish.on('lost', (ctl, err) => {
      this.replaceFollowNotice(stayNotice(ctl, 'stopped answering'));
      this.sayError({ kind: `rotator-${err.kind}`, message: `Rotator disconnected: ${err.message}`, area: 'rotator', cause: errorCause(err) });
      this.emitStatus();
    });
  }

  static open(dataDir: string, options: { clock?: SkyClock } = {}): Station {
    return new Station(Store.open(dataDir), dataDir, options.clock ?? realClock);
  }

  /** The first dongle librtlsdr finds, as a source spec, or null (none, or no librtlsdr). */
  static async firstDongle(): Promise<string | null> {
    return (await listDongles()).devices.length > 0 ? 'rtlsdr:0' : null;
  }

  get site(): Site {
    return this.settings.site;
  }

  setSite(site: Site): Site {
    this.changeSettings({ site });
    this.emitStatus();
    return this.settings.site;
  }

  /** The group's antennas by input (east, north, up m from the site; dish diameters), kept in the settings for the next live start. */
  setAntennas(antennas: AntennaPosition[]): AntennaPosition[] {
    this.changeSettings({ antennas });
    this.emitStatus();
    return this.settings.antennas;
  }

  /** The sky clock: the simulator's while it is live, else real time. */
  get clock(): SkyClock {
    return this.slot.current?.view.session.clock ?? this.baseClock;
  }

  /** The site the sky is seen from: the simulator's scenario's while it is live, else the station's. */
  get skySite(): Site {
    return this.slot.current?.view.session.site ?? this.site;
  }

  /** What the station can listen to (sources.ts): dongles, the rtl_tcp endpoints (each probed, but not the one in use), the simulator's scenarios. */
  sources(): Promise<Sources> {
    const l = this.slot.current;
    // A source being opened is in use too: probing its rtl_tcp servers now would take them from it (each serves one client).
    const live = this.starting !== null ? { source: this.starting, greeting: null } : l && { source: l.options.source, greeting: (l.view.session.source as { greeting?: Greeting | null }).greeting ?? null };
    return discoverSources({ endpoints: this.settings.rtlTcpEndpoints, scenario: this.settings.scenario, live });
  }

  /** Adds an rtl_tcp server (HOST:PORT) to the sources offered, persisted; resolves to the sources with it probed. */
  async addEndpoint(text: string): Promise<Sources> {
    this.changeSettings({ rtlTcpEndpoints: withEndpoint(this.settings.rtlTcpEndpoints, text, endpointProblem(text)) });
    return this.sources();
  }

  /** Removes an rtl_tcp server from the sources offered (a live view using it carries on). */
  async removeEndpoint(text: string): Promise<Sources> {
    this.changeSettings({ rtlTcpEndpoints: withoutEndpoint(this.settings.rtlTcpEndpoints, text) });
    return this.sources();
  }

  /**
   * Chooses the simulator's scenario: a built-in name, or null for the
   * default; persisted. A live simulator restarts on it (the scenario's own
   * tuning; channels, taps, integration and backend kept); while the
   * simulator is recording it is refused.
   */
  setScenario(name: string | null): Promise<StationStatus> {
    return this.changes.run(async () => {
      if (name !== null && !builtInScenarioNames().includes(name)) {
        throw new StationError(`there is no built-in scenario '${name}': choose one of ${builtInScenarioNames().join(', ')}, or the default`);
      }
      const l = this.slot.current;
      const simLive = !!l && l.view.session.simulated;
      if (simLive && this.recorder.id !== null) throw new StationError(`the simulator is recording observation ${this.recorder.id}: stop the recording before changing its scenario`);
      this.changeSettings({ scenario: name });
      // A new session, never a retune in place: the scenario is the simulator's sky, site and clock.
      if (l && simLive) {
        // The new scenario may lack the antennas the live source names (the interferometer's 3 → the default's 1).
        const antennas = scenarioOf(scenarioFile(name)).antennas.length;
        await this.changeLive({ ...l.options, source: sourceForScenario(l.options.source, antennas), tuning: undefined }, true);
      }
      this.emitStatus();
      return this.status();
    });
  }

  private changeSettings(change: Partial<StationSettings>): void {
    saveSettings(this.dataDir, { ...this.settings, ...change });
    this.settings = loadSettings(this.dataDir);
  }

  /** The sun seen from the sky's site (the simulator's while it runs) at `at` (default: the sky clock's now). */
  sun(at?: Date) {
    const time = at ?? new Date(this.clock.now());
    const site = at ? this.site : this.skySite;
    return { ...sunPosition(site, time), nextTransit: nextSunTransit(site, time), sky: this.skySun() };
  }

  /** The sun in the sky the dish sees, degrees: the simulator's (its site and sky time) while it runs, else the station site's now. */
  skySun(): { az: number; el: number; sky: 'simulator' | 'site' } {
    const p = sunPosition(this.skySite, new Date(this.clock.now()));
    return { az: p.az, el: p.el, sky: this.clock.kind === 'simulated' ? 'simulator' : 'site' };
  }

  private safeSkySun(): RotatorEvent['sun'] {
    try {
      return this.skySun();
    } catch {
      return null;
    }
  }

  /** The live view's total power and drops since it started (bounded): what a page reloaded later plots. */
  liveHistory(): LiveHistory {
    return this.powerLog.snapshot();
  }

  /** Calibration tracking for a new live view of a group (group-live.ts): its changes become a notice, the status and a recording's 'calibration' events. */
  private trackGroup(view: LiveView): void {
    this.untrackGroup();
    this.tracking = GroupLiveTracking.for(view.session, {
      recheckSeconds: this.groupRecheckSeconds,
      onEvent: (e) => {
        if (!this.slot.holds(view)) return;
        this.notices = [...this.notices.filter((n) => n.kind !== 'group-tracking'), { kind: 'group-tracking', text: trackingText(e), state: e.state }];
        this.recorder.event('calibration', { tracking: e }, e.time);
        this.emitStatus();
      },
    });
  }

  private untrackGroup(): void {
    void this.tracking?.close();
    this.tracking = null;
  }

  /** Where to tune for the HI toward (l, b), or the live dish's pointing (hi-live.ts liveHiTuning). */
  hiTuning(at: { l?: number; b?: number; sampleRate?: number }): HiTuningView {
    if ((at.l === undefined) !== (at.b === undefined)) throw new StationError('give both l and b, or neither (the live dish\'s pointing)');
    try {
      return liveHiTuning(this.slot.current?.view.session ?? null, at);
    } catch (err) {
      throw new StationError((err as Error).message);
    }
  }

  status(): StationStatus {
    const l = this.slot.current;
    const s = l?.view.session;
    return {
      live: l && s ? {
        source: l.options.source, kind: s.source.info.kind, name: s.source.info.name, tuning: { ...s.source.tuning },
        channels: l.options.channels, taps: l.options.taps, integration: l.options.integration, backend: s.pipeline!.backend.name,
        stages: l.view.stages(), droppedSamples: l.view.blocks.droppedSamples, lsr: liveLsr(s),
      } : null,
      starting: this.starting,
      recording: this.recorder.status(),
      site: this.site,
      scenario: this.settings.scenario,
      notices: [...this.notices],
      rotator: this.dish.rotator?.status() ?? null,
      groupTracking: this.tracking?.status() ?? null,
      antennas: this.settings.antennas,
    };
  }

  /** Starts (or restarts with new options) the live pipeline; a refused change leaves the running one as it was. */
  startLive(options: LiveOptions = {}): Promise<StationStatus> {
    return this.changes.run(() => this.changeLive(options));
  }

  stopLive(): Promise<void> {
    // Stopped by hand: not brought back after the scheduled jobs either.
    this.liveForJobs = null;
    return this.changes.run(() => this.endLive());
  }

  /** `restart`: a new session even when only the tuning changed (the simulated dish must follow a rotator). */
  private async changeLive(options: LiveOptions, restart = false): Promise<StationStatus> {
    if (this.recorder.id !== null) throw new StationError('stop the recording before changing the source or tuning');
    this.starting = options.source ?? 'sim';
    this.emitStatus();
    try {
      await this.slot.change(resolveLive(options), restart);
    } finally {
      this.starting = null;
    }
    this.emitStatus();
    return this.status();
  }

  private async endLive(): Promise<void> {
    if (!this.slot.current) return;
    this.untrackGroup();
    await this.slot.end();
    this.emitStatus();
  }

  /** The notices of a new live view: the backend's choice first, then the group's delays, then the source. */
  private installed(view: LiveView): void {
    this.powerLog.reset();
    const session = view.session;
    applyCurrentCalibration(session, this.store);
    const group = session.groupCalibration;
    this.notices = [
      ...(session.backendNotice ? [{ kind: 'gpu-fallback', text: session.backendNotice } as const] : []),
      ...(group ? [{ kind: 'group-calibration', text: group.notice, delays: group.fit?.delays ?? null } as const] : []),
    ];
    if (session.simulated) this.notices.push({ kind: 'simulator', text: 'No dongle in use: showing the built-in simulator.' });
    this.trackGroup(view);
    const ctl = this.dish.rotator;
    if (ctl && session.simulated) this.notices.push({ kind: 'rotator-follow', text: `${followPrefix} (${ctl.driver}).` });
  }

  private integration(view: LiveView, i: Integration): void {
    if (!this.slot.holds(view)) return;
    this.recorder.integration(view, i);
    // Always made: the power log keeps the total power and drops for a page that connects later.
    const e = spectrumEvent(view.session, i, view.stages(), this.recorder.id);
    this.powerLog.add(e);
    if (this.listenerCount('spectrum') > 0) this.emit('spectrum', e);
    this.tracking?.integration(i);
  }

  /** The live view ended on its own (the source stopped or failed): keep what was recorded, and say so. */
  private ended(view: LiveView, failure: unknown): void {
    if (!this.slot.holds(view)) return;
    if (failure) this.fail(failure, 'live');
    this.recorder.interrupt(failure ? `the live view failed: ${(failure as Error).message ?? failure}` : 'the source stopped');
    this.slot.current = null;
    this.untrackGroup();
    this.emitStatus();
  }

  /**
   * Records the live stream into the store from the next integration on
   * (mode spectrum or totalpower), or its samples as they come to SigMF in
   * the data folder (mode raw); returns the observation id.
   */
  startRecording(spec: { mode?: string; target?: string; seconds?: number } = {}): number {
    if (!this.slot.current) throw new StationError('nothing to record: start the live view first');
    return this.recorder.start(this.slot.current.view, spec);
  }

  /** Stops recording; returns the observation's id. A raw recording is closed in the background: await `recordingsClosed()`. */
  stopRecording(): number | null {
    return this.recorder.stop();
  }

  /** Resolves once every stopped raw recording has its SigMF meta written and its observation ended. */
  recordingsClosed(): Promise<void> {
    return this.recorder.closed();
  }

  /**
   * Calibrates the live correlator (delays, gains, scale), from its next
   * integration boundary; a recording keeps it as a 'calibration' event.
   * Resolves to the calibration's count, which the integrations it applies to carry.
   */
  setCalibration(c: Calibration): Promise<{ calibration: number }> {
    return this.changes.run(async () => {
      if (!this.slot.current) throw new StationError('nothing to calibrate: start the live view first');
      return { calibration: this.slot.current.view.session.setCalibration(c) };
    });
  }

  /**
   * The simulator only: input `input` of the live source loses `samples`
   * samples without a trace (devices/sim SimSource.loseSamples, what a dongle
   * over rtl_tcp does), for testing a group's calibration tracking. Returns
   * the input's sample index from which its stream is shifted.
   */
  loseSamples(input: number, samples: number): number {
    const source = this.slot.current?.view.session.source;
    if (!source) throw new StationError('nothing to disturb: start the live view first');
    const members = source instanceof CoherentGroup ? source.members : [source];
    const member = members[input] as Partial<{ loseSamples(n: number): number }> | undefined;
    if (!member) throw new StationError(`input ${input} does not exist; the live source has inputs 0…${members.length - 1}`);
    if (!member.loseSamples) throw new StationError(`input ${input} is not simulated: only the simulator can lose samples on request`);
    return member.loseSamples(samples);
  }

  /**
   * The whole sun-drift measurement (drift-run.ts) on `source` (default the
   * simulator with the station's scenario), beside the live view; 'drift'
   * events report its progress, at most one a second of wall time per phase change or 2 % of it.
   */
  runDrift(p: { source?: string; efficiency: number; flux?: number; diameter?: number; calibration?: CalibrationMethod; diodeK?: number; diodeSwitch?: 'bias-tee' }): Promise<DriftRunResult> {
    const source = p.source ?? 'sim';
    let last = { phase: '', done: -1, at: 0 };
    const abort = new AbortController();
    this.driftAbort.add(abort);
    // A dongle the live view holds is lent to the drift; the plan is checked first (a missing diameter, a refused
    // calibration) so that a drift that cannot run takes nothing away.
    return this.lendLive(source, () => runDrift({
      source, scenario: /^sim(:\d+)?$/.test(source) ? scenarioFile(this.settings.scenario) : undefined, dataDir: this.dataDir,
      efficiency: p.efficiency, flux: p.flux, diameter: p.diameter, calibration: p.calibration, diodeTemperature: p.diodeK, diodeSwitch: p.diodeSwitch, signal: abort.signal, rotator: this.dish.rotator,
      onProgress: (e) => {
        const now = Date.now();
        if (e.phase !== last.phase || e.done === e.total || (e.done - last.done >= e.total / 50 && now - last.at >= 100)) {
          last = { phase: e.phase, done: e.done, at: now };
          this.emit('drift', e);
        }
      },
    }), () => this.driftPlan(p)).finally(() => this.driftAbort.delete(abort));
  }

  /**
   * Runs `work` on `source`: a live view holding one of its devices is stopped first (a recording of it refuses;
   * `check` runs before anything is taken) and comes back, as it was, when the work is over, whatever its outcome.
   */
  private async lendLive<T>(source: string, work: () => Promise<T>, check?: () => void): Promise<T> {
    const live = this.slot.current?.options;
    const lent = live !== undefined && devicesOf(source).some((d) => devicesOf(live.source).includes(d));
    if (lent) {
      check?.();
      await this.freeFor(source, false);
    }
    try {
      return await work();
    } finally {
      if (lent && !this.slot.current && !this.closing) void this.startLive(live).catch((err: unknown) => this.fail(err, 'live'));
    }
  }

  /** The running drifts' stop switches (drift.stop). */
  private readonly driftAbort = new Set<AbortController>();

  /** Stops every running drift.run: it fails saying how far it got, its observation kept (interrupted). */
  stopDrift(): { stopping: boolean } {
    const stopping = this.driftAbort.size > 0;
    for (const a of this.driftAbort) a.abort();
    return { stopping };
  }

  /**
   * A switched HI observation (hi-switch.ts) on `source` (default the simulator, with the station's scenario) through the
   * station's rotator; 'task' events (kind 'hi-observe', hi-progress.ts) report its phase, cycle and fraction; hi.stop stops it.
   */
  observeHi(p: Parameters<typeof hiObserveOptions>[0] & { source?: string; run?: string }): Promise<SwitchedObserveResult> {
    const source = p.source ?? 'sim';
    const abort = new AbortController();
    this.hiAbort.add(abort);
    const task = hiObserveTask(p.switch, (t) => this.emit('task', p.run !== undefined ? { ...t, run: p.run } : t));
    // A dongle the live view holds is lent to the observation, as to a drift.
    const options = () => hiObserveOptions(p, { source, scenario: scenarioFile(this.settings.scenario), dataDir: this.dataDir, rotator: this.dish.rotator });
    return this.lendLive(source, () => observeSwitched(options(), { signal: abort.signal, onProgress: task.progress }), () => void options())
      .then(task.end, task.fail)
      .finally(() => this.hiAbort.delete(abort));
  }

  /** The running hi.observe calls' stop switches (hi.stop). */
  private readonly hiAbort = new Set<AbortController>();

  /** Stops every running switched HI observation: it ends interrupted, keeping what was recorded; stopping: false when none runs. */
  stopHi(): { stopping: boolean } {
    const stopping = this.hiAbort.size > 0;
    for (const a of this.hiAbort) a.abort();
    return { stopping };
  }

  /** What runDrift with these settings will do (the plan, where and when), before it starts. */
  driftPlan(p: { source?: string; diameter?: number; calibration?: CalibrationMethod; diodeK?: number; diodeSwitch?: 'bias-tee' }): DriftPlanView {
    const source = p.source ?? 'sim';
    return driftPlanView({ source, scenario: /^sim(:\d+)?$/.test(source) ? scenarioFile(this.settings.scenario) : undefined, dataDir: this.dataDir, diameter: p.diameter, calibration: p.calibration, diodeTemperature: p.diodeK, diodeSwitch: p.diodeSwitch, rotator: this.dish.rotator });
  }

  /** A raw observation through the FX core again (reprocess.ts) into a new observation; 'task' events report its progress. */
  reprocess(spec: ReprocessSpec): Promise<{ id: number; integrations: number; status: string }> {
    return reprocessTask(this.dataDir, spec, (t) => this.emit('task', t));
  }

  /**
   * Connects a rotator (replacing any connected one) and streams its position
   * as 'rotator' events at 2 Hz. With the simulator live and nothing being
   * recorded, the live view restarts so the simulated dish follows it.
   */
  connectRotator(spec: RotatorConnect): Promise<StationStatus> {
    return this.changes.run(async () => {
      const ctl = await this.dish.connect(spec);
      await this.followRotator();
      this.emitStatus();
      this.emit('rotator', this.dish.event(ctl, this.safeSkySun()));
      return this.status();
    });
  }

  disconnectRotator(): Promise<StationStatus> {
    return this.changes.run(() => this.dropRotator());
  }

  private async dropRotator(): Promise<StationStatus> {
    const ctl = await this.dish.disconnect();
    // A simulated dish that followed it goes back to the scenario's pointing.
    if (ctl && this.slot.current?.view.session.simulated && this.notices.some((n) => n.kind === 'rotator-follow')) {
      if (this.recorder.id !== null) this.replaceFollowNotice(stayNotice(ctl, 'disconnected'));
      else await this.followRotator();
    }
    if (ctl) this.emitStatus();
    return this.status();
  }

  private replaceFollowNotice(text: string): void {
    const i = this.notices.findIndex((n) => n.kind === 'rotator-follow');
    if (i >= 0) this.notices[i] = { kind: 'rotator-lost', text };
  }

  /** Restarts a simulated live view with the same settings so its dish follows the connected rotator (or the scenario again). */
  private async followRotator(): Promise<void> {
    const l = this.slot.current;
    if (!l || !l.view.session.simulated) return;
    if (this.recorder.id !== null) {
      this.notices.push({ kind: 'rotator-follow', text: `${followPrefix} from the next live start (a recording is running).` });
      return;
    }
    await this.changeLive({ ...l.options, tuning: { ...l.view.session.source.tuning } }, true);
  }

  /**
   * Commands a move; resolves once the controller took it (the 'rotator' events show the slew).
   * Points the dish at (az, el): the mount is commanded there plus the pointing correction the last sun drift stored
   * (pointing-correction.ts, as the scheduler's tracking does), its elevation kept within −5…95°.
   */
  async rotatorGoto(az: number, el: number): Promise<{ az: number; el: number }> {
    const c = correctedPointing({ az, el }, loadPointingCorrection(this.dataDir));
    return this.dish.need().goto(c.az, Math.max(-5, Math.min(95, c.el)));
  }

  async rotatorStop(): Promise<StationStatus> {
    await this.dish.need().stop();
    return this.status();
  }

  async rotatorPark(): Promise<StationStatus> {
    await this.dish.need().park();
    return this.status();
  }

  /**
   * Before a scheduled job (or work lent the device by lendLive) on `source`: a live view holding one of its devices is
   * stopped (a recording of it refuses the job). For a job, the live view is remembered and comes back when the
   * scheduler has nothing due within two minutes (restoreAfterJobs); lendLive brings it back itself.
   */
  private async freeFor(source: string, forJob = true): Promise<void> {
    const l = this.slot.current;
    const held = l ? devicesOf(l.options.source) : [];
    if (!devicesOf(source).some((d) => held.includes(d))) return;
    if (this.recorder.id !== null) throw new StationError(`the live view is recording observation ${this.recorder.id} from ${l!.options.source}, which the job needs`);
    await this.stopLive();
    if (forJob) this.liveForJobs = l!.options;
  }

  /** The live view scheduled jobs stopped, until it is brought back. */
  private liveForJobs: LiveOptions | null = null;
  private closing = false;

  /** After a job: the live view a job stopped comes back unless the next job is due within two minutes (wall time). */
  private restoreAfterJobs(): void {
    const live = this.liveForJobs;
    if (!live || this.closing || this.scheduler.busy) return;
    const clock = this.baseClock;
    const now = clock.now();
    const next = this.scheduler.jobs.waiting(now).find((j) => j.state === 'pending');
    if (next && (Date.parse(next.plannedStart) - now) / clock.speed < 120_000) return;
    this.liveForJobs = null;
    if (!this.slot.current) void this.startLive(live).catch((err: unknown) => this.fail(err, 'live'));
  }

  async close(): Promise<void> {
    this.closing = true;
    // First: a running job may be waiting on the change queue (freeing its device).
    await this.scheduler.stop();
    return this.changes.run(async () => {
      await this.uploads.close();
      await this.dropRotator();
      this.recorder.stop();
      await this.recorder.closed();
      await this.endLive();
      this.store.close();
    });
  }

  private fail(err: unknown, area: StationErrorEvent['area']): void {
    this.sayError({ kind: (err as { kind?: string }).kind ?? 'error', message: err instanceof Error ? err.message : String(err), area, cause: errorCause(err) });
  }

  /** Said to whoever listens; with nobody listening an 'error' event would throw out of the station. */
  private sayError(e: StationErrorEvent): void {
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }
}
