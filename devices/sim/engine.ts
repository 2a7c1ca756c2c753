/**
 * The simulator: N antennas, each with its dongle, on one common clock.
 * Synthesisers (synth.ts) make each antenna's analog stream; a digitiser per
 * dongle (digitiser.ts) turns it into cu8. The engine holds the shared
 * clock, the tuning every dongle applies, and the noise source switch.
 */
import { DeviceError } from '../errors.ts';
import { autoGain, bandpassBins, bandpassMean, countsPerRootKelvin, nearestGain, realSampleRate } from './frontend.ts';
import { Digitiser } from './digitiser.ts';
import { inverseFft } from './fft.ts';
import { AntennaModel } from './model.ts';
import { asPointingModel, pointingFromConfig, type PointingInput, type PointingModel } from './pointing.ts';
import { startTime, type Scenario } from './scenario.ts';
import { AntennaSynth, CommonSpectra, type SynthContext } from './synth.ts';
import { SunField } from './sundisk.ts';
import { mixKey, Xoshiro128 } from './prng.ts';

/** Random-key stream of the sample drops (apart from synth.ts's 0, 1, 2 + antenna). */
const dropStream = 0x7fff_0000;
import type { Tuning } from '../sdr/source.ts';

/** The pointing a mount reports, moved by the dish's real error (degrees of azimuth and elevation; scenario pointingError). */
function withPointingError(m: PointingModel, e: { az: number; el: number }): PointingModel {
  if (e.az === 0 && e.el === 0) return m;
  return {
    pointingAt(t) {
      const p = m.pointingAt(t);
      return { az: (((p.az + e.az) % 360) + 360) % 360, el: Math.max(-90, Math.min(90, p.el + e.el)) };
    },
  };
}

/** Frame length of the spectral synthesis (samples): 1.7 ms at 2.4 MS/s, 586 Hz bins. */
export const frameLength = 4096;
/** Cross-fade between frames (samples); the hop is frameLength − crossFade. */
export const crossFade = 256;

export interface EngineOptions {
  /** Which scenario antennas this engine simulates (indices); default all. */
  antennas?: number[];
  /** Pointing per scenario antenna index, overriding the scenario (a rotator, a function). */
  pointing?: Record<number, PointingInput>;
  /** Wall-clock "now" used when the scenario's start is 'now' (ms since the Unix epoch). */
  now?: number;
}

export class SimEngine {
  readonly tuning: Tuning;
  /** The synthesis context the dongles share (clock, tuning as applied, spectra). */
  readonly ctx: SynthContext;
  private readonly inputs: Digitiser[];
  /** Scenario antenna of each input. */
  private readonly antennaIndex: number[];
  private timeOrigin: number;
  private sampleOrigin = 0;
  private nsOverride: boolean | null = null;
  /** Bandpass mean: the fraction of white-noise power the front end passes. */
  readonly bandpassMean: number;

  private constructor(readonly scenario: Scenario, ctx: SynthContext, inputs: Digitiser[], antennaIndex: number[], tuning: Tuning, timeOrigin: number) {
    this.ctx = ctx;
    this.inputs = inputs;
    this.antennaIndex = antennaIndex;
    this.tuning = tuning;
    this.timeOrigin = timeOrigin;
    this.bandpassMean = bandpassMean(scenario.frontend, ctx.L);
  }

  static async create(scenario: Scenario, options: EngineOptions = {}): Promise<SimEngine> {
    const ids = options.antennas ?? scenario.antennas.map((_, i) => i);
    if (ids.length === 0) throw new DeviceError('invalid', 'the simulator needs at least one antenna; list one in the scenario.');
    for (const a of ids) {
      if (!Number.isInteger(a) || a < 0 || a >= scenario.antennas.length) {
        throw new DeviceError('not-found', `the scenario has antennas 0…${scenario.antennas.length - 1}, not ${a}; add it to the scenario's antennas.`);
      }
    }
    const L = frameLength, H = L - crossFade;
    const fft = await inverseFft(L);
    const bandpass = bandpassBins(L, scenario.frontend);
    const sqrtBL = new Float32Array(L);
    for (let k = 0; k < L; k++) sqrtBL[k] = Math.sqrt(bandpass[k] / L);
    const offsets = ids.map((a) => scenario.antennas[a].sampleOffset);
    const spread = Math.max(...offsets) - Math.min(...offsets);
    // Frames kept per common stream: enough for the spread of sample offsets, few enough to stay in cache.
    const frames = 3 + Math.ceil(spread / H);
    const common = new CommonSpectra(scenario.seed, sqrtBL, frames * scenario.antennas.length);
    // A model per scenario antenna, simulated or not: the sun's covariance needs them all.
    const models = scenario.antennas.map((cfg, a) => {
      const p = options.pointing?.[a];
      return new AntennaModel(scenario, cfg, withPointingError(p ? asPointingModel(p) : pointingFromConfig(cfg.pointing, scenario.site), cfg.pointingError));
    });
    const sun = new SunField(scenario, models, frames);
    const t = scenario.tuning;
    const tuning: Tuning = {
      centerFrequency: t.centerFrequency,
      sampleRate: realSampleRate(t.sampleRate),
      gain: t.gain === 'auto' ? 'auto' : nearestGain(t.gain),
      ppm: Math.round(t.ppm),
      biasTee: false,
    };
    const origin = startTime(scenario, options.now);
    const ns = scenario.noiseSource;
    let engine: SimEngine | null = null;
    const ctx: SynthContext = {
      seed: scenario.seed,
      L,
      H,
      fft,
      bandpass,
      common,
      sun,
      fc: tuning.centerFrequency,
      fs: tuning.sampleRate,
      noiseSourceTemperature: ns.temperature,
      noiseSourceOn: (c) => engine!.noiseSourceAt(c),
      hotLoadTemperature: scenario.hotLoad.temperature,
      hotLoadOn: () => engine!.hotLoad,
      skyTime: (c) => engine!.skyTimeAt(c),
    };
    const inputs: Digitiser[] = [];
    engine = new SimEngine(scenario, ctx, inputs, ids, tuning, origin);
    engine.hotLoad = scenario.hotLoad.on;
    for (const a of ids) {
      const cfg = scenario.antennas[a];
      const model = models[a];
      const lo = (cfg.loPhase * Math.PI) / 180;
      const synth = new AntennaSynth(ctx, model, a, lo, Math.max(0, Math.round(cfg.sampleOffset / (1 + cfg.clockPpm * 1e-6)) - 1));
      inputs.push(new Digitiser(engine, synth, cfg.sampleOffset, cfg.clockPpm, lo, cfg.tsys));
    }
    return engine;
  }

  /** Number of inputs (dongles) this engine simulates. */
  get inputCount(): number {
    return this.inputs.length;
  }

  /** Sky time (ms since the Unix epoch) at common sample c: the scenario's start plus speed × sample time. */
  skyTimeAt(c: number): number {
    return this.timeOrigin + (this.scenario.speed * 1000 * (c - this.sampleOrigin)) / this.ctx.fs;
  }

  /** Whether the common noise source is on at common sample c: the override, else the scenario's schedule. */
  noiseSourceAt(c: number): boolean {
    if (this.nsOverride !== null) return this.nsOverride;
    const ns = this.scenario.noiseSource;
    if (ns.period > 0) {
      const t = c / this.ctx.fs;
      return t % ns.period < ns.onTime;
    }
    return ns.on;
  }

  /** Whether the hot load (an absorber at scenario.hotLoad.temperature K) is in front of every feed. */
  hotLoad = false;

  /** Swings the hot load in (true) or out (false) from the next frame; returns what it applied. */
  setHotLoad(on: boolean): boolean {
    this.hotLoad = on;
    return on;
  }

  /** Switches the common noise source on or off from the next frame, overriding the schedule (null restores it). */
  setNoiseSource(on: boolean | null): void {
    this.nsOverride = on;
  }

  /** The synthesiser of input i, for tests and logs (its last sun temperature, delay, continuum…). */
  synth(i: number): AntennaSynth {
    return this.inputs[i].synth;
  }

  /** The scale from √K to counts for input i at the current gain. */
  countsPerRootKelvin(i: number): number {
    const g = this.tuning.gain === 'auto' ? autoGain : this.tuning.gain;
    return countsPerRootKelvin(this.scenario.frontend, this.inputs[i].tsys, g);
  }

  /** Retunes every dongle; returns the frequency applied (Hz). */
  setCenterFrequency(hz: number): number {
    if (!Number.isFinite(hz) || hz < 24e6 || hz > 1.766e9) {
      throw new DeviceError('limit', `centre frequency ${hz} Hz is outside an R820T's 24–1766 MHz; choose a frequency in that range.`);
    }
    this.tuning.centerFrequency = Math.round(hz);
    this.ctx.fc = this.tuning.centerFrequency;
    this.ctx.sun.clear();
    for (const d of this.inputs) d.synth.invalidate();
    return this.tuning.centerFrequency;
  }

  /** Sets the sample rate as the chip would (Hz applied); the sky clock stays continuous. */
  setSampleRate(hz: number): number {
    const real = realSampleRate(hz);
    const c = Math.max(...this.inputs.map((d) => d.synth.end));
    this.timeOrigin = this.skyTimeAt(c);
    this.sampleOrigin = c;
    this.tuning.sampleRate = real;
    this.ctx.fs = real;
    this.ctx.sun.clear();
    for (const d of this.inputs) d.synth.invalidate();
    return real;
  }

  setGain(db: number | 'auto'): number | 'auto' {
    this.tuning.gain = db === 'auto' ? 'auto' : nearestGain(db);
    return this.tuning.gain;
  }

  setPpm(ppm: number): number {
    if (!Number.isFinite(ppm) || Math.abs(ppm) > 1000) throw new DeviceError('limit', `frequency correction ${ppm} ppm is outside ±1000 ppm; measure the dongle's error and give that.`);
    this.tuning.ppm = Math.round(ppm);
    return this.tuning.ppm;
  }

  /**
   * Skips input i's next `samples` samples: a gap, as when a dongle loses
   * samples. Costs at most two segments however long the gap; what follows
   * is what reading through would give.
   */
  skip(i: number, samples: number): void {
    const d = this.inputs[i];
    if (!d) throw new DeviceError('not-found', `input ${i} does not exist; this simulator has inputs 0…${this.inputs.length - 1}.`);
    d.skip(samples);
  }

  /**
   * The gap (samples) input i loses before its `block`-th block, 0 for none:
   * the scenario's drop probability, drawn from the seed, the antenna and the block number.
   */
  dropBefore(i: number, block: number): number {
    const fe = this.scenario.frontend;
    if (fe.dropProbability <= 0 || block === 0) return 0;
    const r = Xoshiro128.fromKey(mixKey(this.scenario.seed, dropStream, this.antennaIndex[i]!, block));
    if (r.nextFloat() >= fe.dropProbability) return 0;
    return 1 + Math.floor(r.nextFloat() * fe.dropSamples);
  }

  /** Index of the next sample input i will deliver. */
  position(i: number): number {
    return this.inputs[i].next;
  }

  /**
   * Fills outs[i] with input i's next samples for every input, advancing all
   * inputs together one hop at a time so the shared spectra they need are
   * still cached; returns the index of the first sample (the same for all
   * inputs, whose positions must be equal).
   */
  readAll(outs: Uint8Array[]): number {
    if (outs.length !== this.inputs.length) throw new DeviceError('invalid', `readAll needs ${this.inputs.length} buffers, one per input; got ${outs.length}.`);
    const n = outs[0]!.length >> 1;
    const first = this.inputs[0]!.next;
    for (let i = 0; i < outs.length; i++) {
      if (outs[i]!.length !== 2 * n || this.inputs[i]!.next !== first) {
        throw new DeviceError('invalid', 'readAll needs equal buffers and inputs at the same position; read inputs one by one with read() instead.');
      }
    }
    const H = this.ctx.H;
    for (let done = 0; done < n; done += H) {
      const take = Math.min(H, n - done);
      for (let i = 0; i < outs.length; i++) this.inputs[i]!.read(outs[i]!.subarray(2 * done, 2 * (done + take)));
    }
    return first;
  }

  /** Fills `out` (an even number of bytes) with input i's next samples as cu8; returns the index of the first. */
  read(i: number, out: Uint8Array): number {
    const d = this.inputs[i];
    if (!d) throw new DeviceError('not-found', `input ${i} does not exist; this simulator has inputs 0…${this.inputs.length - 1}.`);
    return d.read(out);
  }
}
