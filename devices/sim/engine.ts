/**
 * The simulator: N antennas, each with its dongle, on one common clock.
 * Synthesisers (synth.ts) make each antenna's analog stream; a digitiser per
 * dongle reads it at the dongle's own sample times (sample offset, clock
 * error), adds the RFI tones, the DC spike and the gain, and quantises to cu8.
 *
 * Bytes are made in segments of H samples aligned to the dongle's sample
 * index, each from values computed afresh at its first sample, so the output
 * does not depend on how callers chunk their reads.
 *
 * Clock error ε (ppm·1e−6, the scenario's clockPpm less the ppm correction
 * set on the dongle): dongle sample n is taken at common time (n + o)/(1 + ε)
 * (nearest common sample: a slip every 1/(ε·fs) samples) and its LO runs at
 * f_c·(1 + ε), turning every signal by e^{−2πi·f_c·ε·t}.
 */
import { DeviceError } from '../errors.ts';
import { bandpassBins, bandpassMean, bandpassPower, countsPerRootKelvin, nearestGain, autoGain, realSampleRate } from './frontend.ts';
import { inverseFft } from './fft.ts';
import { AntennaModel } from './model.ts';
import { asPointingModel, pointingFromConfig, type PointingInput } from './pointing.ts';
import { startTime, type Scenario } from './scenario.ts';
import { AntennaSynth, CommonSpectra, type SynthContext } from './synth.ts';
import type { Tuning } from '../sdr/source.ts';

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

class Digitiser {
  /** Next sample this dongle delivers (its own sample index). */
  next = 0;
  readonly bytes: Uint8Array;
  /** Segment in `bytes` (its first sample), and how far it has been consumed. */
  segment = -1;
  used = 0;
  constructor(
    readonly synth: AntennaSynth,
    readonly offset: number,
    readonly clockPpm: number,
    readonly loPhase: number,
    readonly tsys: number,
    H: number,
  ) {
    this.bytes = new Uint8Array(2 * H);
    this.used = H;
  }
}

export class SimEngine {
  readonly tuning: Tuning;
  private readonly ctx: SynthContext;
  private readonly inputs: Digitiser[];
  private readonly H: number;
  private timeOrigin: number;
  private sampleOrigin = 0;
  private nsOverride: boolean | null = null;
  /** Bandpass mean: the fraction of white-noise power the front end passes. */
  readonly bandpassMean: number;

  private constructor(readonly scenario: Scenario, ctx: SynthContext, inputs: Digitiser[], tuning: Tuning, timeOrigin: number) {
    this.ctx = ctx;
    this.inputs = inputs;
    this.H = ctx.H;
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
    const common = new CommonSpectra(scenario.seed, sqrtBL, 16 + Math.ceil(spread / H));
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
      fc: tuning.centerFrequency,
      fs: tuning.sampleRate,
      noiseSourceTemperature: ns.temperature,
      noiseSourceOn: (c) => engine!.noiseSourceAt(c),
      skyTime: (c) => engine!.skyTimeAt(c),
    };
    const inputs: Digitiser[] = [];
    engine = new SimEngine(scenario, ctx, inputs, tuning, origin);
    for (const a of ids) {
      const cfg = scenario.antennas[a];
      const p = options.pointing?.[a];
      const pointing = p ? asPointingModel(p) : pointingFromConfig(cfg.pointing, scenario.site);
      const model = new AntennaModel(scenario, cfg, pointing);
      const lo = (cfg.loPhase * Math.PI) / 180;
      const synth = new AntennaSynth(ctx, model, a, lo, Math.max(0, Math.round(cfg.sampleOffset / (1 + cfg.clockPpm * 1e-6)) - 1));
      inputs.push(new Digitiser(synth, cfg.sampleOffset, cfg.clockPpm, lo, cfg.tsys, H));
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

  /** Index of the next sample input i will deliver. */
  position(i: number): number {
    return this.inputs[i].next;
  }

  /** Fills `out` (an even number of bytes) with input i's next samples as cu8; returns the index of the first. */
  read(i: number, out: Uint8Array): number {
    const d = this.inputs[i];
    if (!d) throw new DeviceError('not-found', `input ${i} does not exist; this simulator has inputs 0…${this.inputs.length - 1}.`);
    const first = d.next;
    const n = out.length >> 1;
    let done = 0;
    while (done < n) {
      if (d.used === this.H) {
        this.digitise(d, d.segment < 0 ? 0 : d.segment + this.H);
        d.used = 0;
      }
      const take = Math.min(n - done, this.H - d.used);
      out.set(d.bytes.subarray(2 * d.used, 2 * (d.used + take)), 2 * done);
      d.used += take;
      done += take;
    }
    d.next += n;
    return first;
  }

  /** Makes the bytes of the H samples from `n0` of one dongle. */
  private digitise(d: Digitiser, n0: number): void {
    const H = this.H;
    const { fc, fs } = this.ctx;
    const fe = this.scenario.frontend;
    const g = this.tuning.gain === 'auto' ? autoGain : this.tuning.gain;
    const gainScale = Math.pow(10, (g - 40) / 20);
    const s = countsPerRootKelvin(fe, d.tsys, g);
    const dcI = fe.dcOffset[0] * gainScale, dcQ = fe.dcOffset[1] * gainScale;
    const eps = (d.clockPpm - this.tuning.ppm) * 1e-6;
    const synth = d.synth, ring = synth.ring, mask = synth.mask;
    const out = d.bytes;
    const o = d.offset;
    d.segment = n0;
    const cLast = eps === 0 ? n0 + o + H - 1 : Math.round((n0 + o + H - 1) / (1 + eps));
    synth.ensure(cLast + 1);
    const tones = this.scenario.rfi.length > 0 ? this.tones(d, n0, s, eps) : null;
    if (eps === 0) {
      let c = n0 + o;
      if (tones) {
        for (let i = 0; i < H; i++, c++) {
          const r = 2 * (c & mask);
          out[2 * i] = q(s * ring[r] + tones[2 * i]);
          out[2 * i + 1] = q(s * ring[r + 1] + tones[2 * i + 1]);
        }
      } else {
        for (let i = 0; i < H; i++, c++) {
          const r = 2 * (c & mask);
          out[2 * i] = q(s * ring[r] + dcI);
          out[2 * i + 1] = q(s * ring[r + 1] + dcQ);
        }
      }
      return;
    }
    // Tones (with DC) or DC alone.
    let acc = tones;
    if (!acc) {
      acc = this.zeros;
      this.fillDc(acc, H);
    }
    // LO error: a rotation at −f_c·ε, anchored at this segment's first sample.
    const t0 = (n0 + o) / (fs * (1 + eps));
    const w = (-2 * Math.PI * fc * eps) / (fs * (1 + eps));
    const ph0 = (-2 * Math.PI * fc * eps * t0) % (2 * Math.PI);
    let cr = Math.cos(ph0), ci = Math.sin(ph0);
    const sr = Math.cos(w), si = Math.sin(w);
    for (let i = 0; i < H; i++) {
      const c = Math.round((n0 + o + i) / (1 + eps));
      const r = 2 * (c & mask);
      const xr = ring[r], xi = ring[r + 1];
      out[2 * i] = q(s * (xr * cr - xi * ci) + acc[2 * i]);
      out[2 * i + 1] = q(s * (xr * ci + xi * cr) + acc[2 * i + 1]);
      const t = cr * sr - ci * si;
      ci = cr * si + ci * sr;
      cr = t;
    }
  }

  private readonly toneAcc = new Float32Array(2 * frameLength);
  private readonly zeros = new Float32Array(2 * frameLength);

  /**
   * The RFI tones for one segment plus the DC offset (counts, interleaved),
   * or null when no tone falls in the band. Tones are common to every antenna
   * (no geometric delay: RFI comes from the horizon, not from the sun) and
   * pass through each dongle's LO phase and error. A tone of temperature T has
   * the power of a T-kelvin noise over the whole band: amplitude s·√(2T),
   * times the bandpass.
   */
  private tones(d: Digitiser, n0: number, s: number, eps: number): Float32Array | null {
    const tones = this.scenario.rfi;
    const H = this.H;
    const { fc, fs } = this.ctx;
    const acc = this.toneAcc;
    let any = false;
    for (const tone of tones) {
      const fbb = tone.frequency - fc * (1 + eps);
      if (Math.abs(fbb) >= fs / 2 || tone.temperature <= 0) continue;
      if (!any) this.fillDc(acc, H);
      any = true;
      const amp = s * Math.sqrt(2 * tone.temperature * bandpassPower((2 * fbb) / fs, this.scenario.frontend));
      const t0 = (n0 + d.offset) / (fs * (1 + eps));
      const w = (2 * Math.PI * fbb) / (fs * (1 + eps));
      const ph0 = ((2 * Math.PI * fbb * t0) % (2 * Math.PI)) + (tone.phase * Math.PI) / 180 + d.loPhase;
      let cr = amp * Math.cos(ph0), ci = amp * Math.sin(ph0);
      const sr = Math.cos(w), si = Math.sin(w);
      for (let i = 0; i < H; i++) {
        acc[2 * i] += cr;
        acc[2 * i + 1] += ci;
        const t = cr * sr - ci * si;
        ci = cr * si + ci * sr;
        cr = t;
      }
    }
    return any ? acc : null;
  }

  private fillDc(acc: Float32Array, H: number): void {
    const fe = this.scenario.frontend;
    const g = this.tuning.gain === 'auto' ? autoGain : this.tuning.gain;
    const gainScale = Math.pow(10, (g - 40) / 20);
    const dcI = fe.dcOffset[0] * gainScale, dcQ = fe.dcOffset[1] * gainScale;
    for (let i = 0; i < H; i++) {
      acc[2 * i] = dcI;
      acc[2 * i + 1] = dcQ;
    }
  }
}

/** cu8 quantiser: ⌊v + 128⌋ clamped to 0…255 (see frontend.ts `quantise`). */
function q(v: number): number {
  const b = v + 128;
  return b < 0 ? 0 : b >= 255 ? 255 : b | 0;
}
