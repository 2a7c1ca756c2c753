/**
 * One dongle's ADC: reads its antenna's analog stream (synth.ts) at the
 * dongle's own sample times, adds the RFI tones and the DC spike, applies the
 * gain and quantises to cu8.
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
import type { Tuning } from '../sdr/source.ts';
import { autoGain, bandpassPower, countsPerRootKelvin } from './frontend.ts';
import type { Scenario } from './scenario.ts';
import type { AntennaSynth, SynthContext } from './synth.ts';

/** What every dongle of a simulator shares: the synthesis context, the scenario and the applied tuning. */
export interface DigitiserEnv {
  readonly ctx: SynthContext;
  readonly scenario: Scenario;
  readonly tuning: Tuning;
}

export class Digitiser {
  /** Next sample this dongle delivers (its own sample index). */
  next = 0;
  /** The current segment's cu8 bytes, its first sample, and how many of its samples were consumed. */
  readonly bytes: Uint8Array;
  private readonly clamped: Uint8ClampedArray;
  first = -1;
  used: number;

  constructor(
    private readonly env: DigitiserEnv,
    readonly synth: AntennaSynth,
    /** Sample offset of this dongle's stream on the common clock (samples). */
    readonly offset: number,
    /** Clock error of the crystal (ppm). */
    readonly clockPpm: number,
    /** LO phase (rad). */
    readonly loPhase: number,
    /** The antenna's tsys (K), which sets the counts scale. */
    readonly tsys: number,
  ) {
    const H = env.ctx.H;
    this.bytes = new Uint8Array(2 * H);
    this.clamped = new Uint8ClampedArray(this.bytes.buffer);
    this.used = H;
    this.toneAcc = new Float32Array(2 * H);
    this.zeros = new Float32Array(2 * H);
  }

  /** Copies the dongle's next samples into `out` (an even number of bytes); returns the index of the first. */
  read(out: Uint8Array): number {
    const H = this.env.ctx.H;
    const first = this.next;
    const n = out.length >> 1;
    let done = 0;
    while (done < n) {
      if (this.used === H) {
        this.segment(this.first < 0 ? 0 : this.first + H);
        this.used = 0;
      }
      const take = Math.min(n - done, H - this.used);
      out.set(this.bytes.subarray(2 * this.used, 2 * (this.used + take)), 2 * done);
      this.used += take;
      done += take;
    }
    this.next += n;
    return first;
  }

  /**
   * Skips the dongle's next `samples` samples without making the whole
   * segments among them (a gap costs one segment, however long): the
   * samples after it are those reading through would give.
   */
  skip(samples: number): void {
    const H = this.env.ctx.H;
    const inSegment = Math.min(samples, H - this.used);
    this.used += inSegment;
    this.next += inSegment;
    let left = samples - inSegment;
    const whole = Math.floor(left / H);
    if (whole > 0) {
      // As if the skipped segments were made: the last of them is the current one, used up.
      this.first = (this.first < 0 ? 0 : this.first + H) + (whole - 1) * H;
      this.used = H;
      this.next += whole * H;
      left -= whole * H;
      const eps = (this.clockPpm - this.env.tuning.ppm) * 1e-6;
      const n0 = this.first + H;
      // The ring must hold the common samples the next segment reads, from its first on.
      this.synth.seek(eps === 0 ? n0 + this.offset : Math.round((n0 + this.offset) / (1 + eps)) - 1);
    }
    if (left > 0) {
      this.segment(this.first < 0 ? 0 : this.first + H);
      this.used = left;
      this.next += left;
    }
  }

  /** Makes the bytes of the H samples from `n0` of one dongle. */
  private segment(n0: number): void {
    const H = this.env.ctx.H;
    const { fc, fs } = this.env.ctx;
    const fe = this.env.scenario.frontend;
    const g = this.env.tuning.gain === 'auto' ? autoGain : this.env.tuning.gain;
    const gainScale = Math.pow(10, (g - 40) / 20);
    const s = countsPerRootKelvin(fe, this.tsys, g);
    const dcI = fe.dcOffset[0] * gainScale, dcQ = fe.dcOffset[1] * gainScale;
    const eps = (this.clockPpm - this.env.tuning.ppm) * 1e-6;
    const synth = this.synth, ring = synth.ring, mask = synth.mask;
    // The ADC: a clamped byte view rounds to nearest and clips to 0…255 natively; offsetting by 127.5 makes it
    // the mid-rise quantiser of frontend.ts `quantise` (they differ only on exact ties, a set of measure zero).
    const out = this.clamped;
    const dcIq = dcI + 127.5, dcQq = dcQ + 127.5;
    const o = this.offset;
    this.first = n0;
    const cLast = eps === 0 ? n0 + o + H - 1 : Math.round((n0 + o + H - 1) / (1 + eps));
    synth.ensure(cLast + 1);
    const tones = this.env.scenario.rfi.length > 0 ? this.tones(n0, s, eps) : null;
    if (eps === 0) {
      let c = n0 + o;
      if (tones) {
        for (let i = 0; i < H; i++, c++) {
          const r = 2 * (c & mask);
          out[2 * i] = s * ring[r] + dcIq + tones[2 * i];
          out[2 * i + 1] = s * ring[r + 1] + dcQq + tones[2 * i + 1];
        }
      } else {
        for (let i = 0; i < H; i++, c++) {
          const r = 2 * (c & mask);
          out[2 * i] = s * ring[r] + dcIq;
          out[2 * i + 1] = s * ring[r + 1] + dcQq;
        }
      }
      return;
    }
    const acc = tones ?? this.zeros;
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
      out[2 * i] = s * (xr * cr - xi * ci) + dcIq + acc[2 * i];
      out[2 * i + 1] = s * (xr * ci + xi * cr) + dcQq + acc[2 * i + 1];
      const t = cr * sr - ci * si;
      ci = cr * si + ci * sr;
      cr = t;
    }
  }

  private readonly toneAcc: Float32Array;
  private readonly zeros: Float32Array;

  /**
   * The RFI tones for one segment (counts, interleaved), or null when no
   * tone falls in the band. Tones are common to every antenna (no geometric
   * delay: RFI comes from the horizon, not from the sun) and pass through
   * each dongle's LO phase and error. A tone of temperature T has
   * the power of a T-kelvin noise over the whole band: amplitude s·√(2T),
   * times the bandpass.
   */
  private tones(n0: number, s: number, eps: number): Float32Array | null {
    const tones = this.env.scenario.rfi;
    const H = this.env.ctx.H;
    const { fc, fs } = this.env.ctx;
    const acc = this.toneAcc;
    let any = false;
    for (const tone of tones) {
      const fbb = tone.frequency - fc * (1 + eps);
      if (Math.abs(fbb) >= fs / 2 || tone.temperature <= 0) continue;
      if (!any) acc.fill(0);
      any = true;
      const amp = s * Math.sqrt(2 * tone.temperature * bandpassPower((2 * fbb) / fs, this.env.scenario.frontend));
      const t0 = (n0 + this.offset) / (fs * (1 + eps));
      const w = (2 * Math.PI * fbb) / (fs * (1 + eps));
      const ph0 = ((2 * Math.PI * fbb * t0) % (2 * Math.PI)) + (tone.phase * Math.PI) / 180 + this.loPhase;
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
}
