/**
 * The running station: the only holder of devices. It runs the live
 * pipeline (source → FX core → subscribers), records what it sees into the
 * store on request, and reports everything as events. The UI, the CLI and
 * the Electron shell all drive it through src/api.
 */
import { EventEmitter } from 'node:events';
import { Pipeline } from '../../correlator/pipeline.ts';
import { spectralKurtosis } from '../../correlator/sk.ts';
import type { BackendChoice, FxConfig, Integration } from '../../correlator/types.ts';
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
import { spectraFor } from './observe.ts';
import { defaultTarget, provenance } from './provenance.ts';

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
}

/** One integration as subscribers see it: per-input mean power spectra and what flags them. */
export interface SpectrumEvent {
  /** Start of the integration (Unix s), from the sample count. */
  time: number;
  centerFrequency: number;
  sampleRate: number;
  channels: number;
  spectra: number;
  /** Per input: mean |X|² per channel (fft-shifted), V_aa/K. */
  power: Float32Array[];
  /** Per input: spectral kurtosis per channel. */
  sk: Float32Array[];
  /** Per input: mean power summed over unflagged channels (DC, edges, SK outliers flagged). */
  totalPower: number[];
  clipped: number[];
  dropped: number[];
  /** The observation being recorded, or null. */
  recording: number | null;
}

export interface StationStatus {
  live: null | { source: string; kind: string; name: string; tuning: Tuning; channels: number; taps: number; integration: number; backend: string };
  recording: null | { id: number; mode: string; target: string; integrations: number };
  site: Site;
  notices: string[];
  /** The connected rotator, or null. */
  rotator: RotatorStatus | null;
}

export interface StationEvents {
  spectrum: [SpectrumEvent];
  status: [StationStatus];
  error: [{ kind: string; message: string }];
  rotator: [RotatorEvent];
}

interface LiveSession {
  options: Required<Omit<LiveOptions, 'threads' | 'pacing' | 'tuning'>> & Pick<LiveOptions, 'threads' | 'pacing'>;
  source: SampleSource;
  pipeline: Pipeline;
  stopped: boolean;
  done: Promise<void>;
  /** Unix time of sample 0 (s). */
  t0: number | null;
  /** First sample of the next integration (samples since sample 0). */
  next: number;
}

export class StationError extends Error {
  override name = 'StationError';
}

export class Station extends EventEmitter<StationEvents> {
  private live: LiveSession | null = null;
  /** `offset`: the live stream's sample at which the recording starts; the store counts samples from there. */
  private recording: { rec: Recording; mode: string; target: string; integrations: number; offset: number } | null = null;
  private notices: string[] = [];
  private settings: StationSettings;
  private rotatorCtl: RotatorControl | null = null;

  private constructor(
    readonly store: Store,
    readonly dataDir: string,
  ) {
    super();
    this.settings = loadSettings(dataDir);
  }

  static open(dataDir: string): Station {
    return new Station(Store.open(dataDir), dataDir);
  }

  /** The first dongle librtlsdr finds, as a source spec, or null (none, or no librtlsdr). */
  static async firstDongle(): Promise<string | null> {
    try {
      const { listRtlSdrDevices } = await import('../../devices/sdr/rtlsdr-devices.ts');
      const found = listRtlSdrDevices();
      return found.length > 0 ? 'rtlsdr:0' : null;
    } catch {
      return null;
    }
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
      },
      recording: this.recording && { id: this.recording.rec.id, mode: this.recording.mode, target: this.recording.target, integrations: this.recording.integrations },
      site: this.site,
      notices: [...this.notices],
      rotator: this.rotatorCtl?.status() ?? null,
    };
  }

  /** Starts (or restarts with new options) the live pipeline. */
  async startLive(options: LiveOptions = {}): Promise<StationStatus> {
    if (this.recording) throw new StationError('stop the recording before changing the source or tuning');
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
    const pointing = ctl && o.source.startsWith('sim') ? { pointingAt: () => ctl.last } : undefined;
    const source = await openSource(o.source, { tuning: options.tuning, pacing: o.pacing, scenario: this.settings.scenario ?? undefined, pointing });
    let opened;
    try {
      const fx: FxConfig = {
        inputs: 1,
        channels: o.channels,
        taps: o.taps,
        // At least 2 spectra: spectral kurtosis needs them.
        spectraPerIntegration: Math.max(2, spectraFor(o.integration, source.tuning.sampleRate, o.channels)),
        mode: 'autos',
      };
      opened = await openBackend(o.backend, fx, {
        threads: o.threads,
        onNotice: (notice) => {
          this.notices.push(notice);
          this.emitStatus();
        },
      });
    } catch (err) {
      await source.close();
      throw err;
    }
    this.notices = opened.notice ? [opened.notice] : [];
    if (source.info.kind === 'sim') this.notices.push('No dongle in use: showing the built-in simulator.');
    if (pointing) this.notices.push(`The simulated dish follows the rotator (${ctl!.driver}).`);
    const session: LiveSession = { options: o, source, pipeline: new Pipeline(opened.backend), stopped: false, done: Promise.resolve(), t0: null, next: 0 };
    session.done = this.run(session);
    this.live = session;
    this.emitStatus();
    return this.status();
  }

  async stopLive(): Promise<void> {
    const l = this.live;
    if (!l) return;
    l.stopped = true;
    await l.source.close();
    await l.done;
    this.live = null;
    this.emitStatus();
  }

  /** Records the live stream into the store from the next integration on; returns the observation id. */
  startRecording(spec: { mode?: string; target?: string } = {}): number {
    const l = this.live;
    if (!l) throw new StationError('nothing to record: start the live view first');
    if (this.recording) throw new StationError(`already recording observation ${this.recording.rec.id}`);
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
      },
    });
    this.recording = { rec, mode: spec.mode ?? 'spectrum', target, integrations: 0, offset };
    this.emitStatus();
    return rec.id;
  }

  stopRecording(): number | null {
    const r = this.recording;
    if (!r) return null;
    if (r.rec.active) r.rec.complete();
    this.recording = null;
    this.emitStatus();
    return r.rec.id;
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
          this.fail(err);
        }
      }
      this.emitStatus();
    });
    ctl.on('error', (err) => {
      // The controller stopped answering (or failed): it is closed; say so, and the station carries on without it.
      if (this.rotatorCtl === ctl) this.rotatorCtl = null;
      this.replaceFollowNotice(`The rotator stopped answering: the simulated dish stays at az ${ctl.last.az.toFixed(1)}° el ${ctl.last.el.toFixed(1)}° until the live view restarts.`);
      this.emit('error', { kind: `rotator-${err.kind}`, message: `Rotator disconnected: ${err.message}` });
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
      if (this.live?.source.info.kind === 'sim' && this.notices.some((n) => n.startsWith('The simulated dish follows the rotator'))) {
        if (this.recording) this.replaceFollowNotice(`Rotator disconnected: the simulated dish stays at az ${ctl.last.az.toFixed(1)}° el ${ctl.last.el.toFixed(1)}° until the live view restarts.`);
        else await this.followRotator();
      }
      this.emitStatus();
    }
    return this.status();
  }

  private replaceFollowNotice(text: string): void {
    const i = this.notices.findIndex((n) => n.startsWith('The simulated dish follows the rotator'));
    if (i >= 0) this.notices[i] = text;
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
    const engine = this.live?.source.info.kind === 'sim' ? (this.live.source as unknown as { engine?: SimEngine }).engine : undefined;
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
    if (!l || l.source.info.kind !== 'sim') return;
    if (this.recording) {
      this.notices.push('The simulated dish follows the rotator from the next live start (a recording is running).');
      return;
    }
    const o = l.options;
    await this.startLive({ source: o.source, channels: o.channels, taps: o.taps, integration: o.integration, backend: o.backend, threads: o.threads, pacing: o.pacing, tuning: { ...l.source.tuning } });
  }

  async close(): Promise<void> {
    await this.disconnectRotator();
    this.stopRecording();
    await this.stopLive();
    this.store.close();
  }

  private async run(l: LiveSession): Promise<void> {
    try {
      for await (const block of l.source.blocks()) {
        if (l.stopped) break;
        l.t0 ??= block.receivedAt / 1000 - block.firstSample / l.source.tuning.sampleRate;
        for (const i of await l.pipeline.push(block)) this.integration(l, i);
        // An unpaced source (pacing: false) never leaves the microtask queue: let the rotator's poll timer run.
        if (this.rotatorCtl) await new Promise<void>((r) => setImmediate(r));
      }
    } catch (err) {
      if (!l.stopped) this.fail(err);
    } finally {
      await l.pipeline.backend.close();
      if (!l.stopped) {
        // The source ended or failed on its own: keep what was recorded, say so.
        if (this.recording) {
          this.recording.rec.interrupt('the source stopped');
          this.recording = null;
        }
        this.live = null;
        this.emitStatus();
      }
    }
  }

  private integration(l: LiveSession, i: Integration): void {
    const C = l.pipeline.config.channels;
    l.next = i.firstSample + i.spectra * C;
    if (this.recording) {
      try {
        this.recording.rec.append(this.recording.offset ? { ...i, firstSample: i.firstSample - this.recording.offset } : i);
        this.recording.integrations++;
      } catch (err) {
        // Disk full, read-only: the recording stops with what it has; the live view goes on.
        this.fail(err);
        this.recording = null;
        this.emitStatus();
      }
    }
    if (this.listenerCount('spectrum') === 0) return;
    const K = i.spectra;
    const sk = K >= 2 ? spectralKurtosis(i, 1, C, 'autos') : new Float64Array(C).fill(1);
    const power = new Float32Array(C);
    for (let j = 0; j < C; j++) power[j] = i.visibilities[2 * j] / K;
    const flags = channelFlags(C, sk, K);
    this.emit('spectrum', {
      time: (l.t0 ?? Date.now() / 1000) + i.firstSample / l.source.tuning.sampleRate,
      centerFrequency: l.source.tuning.centerFrequency,
      sampleRate: l.source.tuning.sampleRate,
      channels: C,
      spectra: K,
      power: [power],
      sk: [Float32Array.from(sk)],
      totalPower: [bandPower(power, flags)],
      clipped: i.clipped,
      dropped: i.dropped,
      recording: this.recording?.rec.id ?? null,
    });
  }

  private fail(err: unknown): void {
    const kind = (err as { kind?: string }).kind ?? 'error';
    this.emit('error', { kind, message: err instanceof Error ? err.message : String(err) });
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }
}
