/**
 * The hardware self-test (`fringe qualify --source SPEC`): a dongle or an
 * rtl_tcp server read for a few seconds at 2.4 MS/s, checked with estimators
 * independent of the correlator (src/analysis/estimators.ts): noise floor
 * flatness, spurs, DC offset, the frequency error against a carrier of known
 * frequency (--reference HZ), and the sample rate from the sample count
 * against the host clock. The simulator served over rtl_tcp
 * (`fringe sim --rtl-tcp`) stands in for hardware in the tests.
 */
import { drivers, goto, openRotator, type DriverName } from '../../devices/rotator/index.ts';
import { openSource } from '../../devices/sdr/open.ts';
import { averagedSpectrum, toComplex } from '../analysis/estimators.ts';
import { median } from '../analysis/lsq.ts';
import type { MeasureContext, Plot, Requirement } from './types.ts';

export interface Capture {
  /** cu8 bytes, contiguous (blocks after a drop are kept; `dropped` counts what was lost). */
  bytes: Uint8Array;
  sampleRate: number;
  centerFrequency: number;
  dropped: number;
  /** Per block: samples since the start (dropped included) at the end of the block, and the host time it arrived (ms). */
  timing: Array<{ samples: number; at: number }>;
  config: Record<string, unknown>;
}

/** Reads `seconds` of samples from `spec` at 2.4 MS/s, tuned to `centerFrequency` (Hz). */
export async function capture(spec: string, seconds: number, centerFrequency = 1_420_405_752, progress: (f: number) => void = () => {}): Promise<Capture> {
  const rate = 2_400_000;
  const source = await openSource(spec, { tuning: { sampleRate: rate, centerFrequency, gain: 40 } });
  const want = Math.round(seconds * rate);
  const bytes = new Uint8Array(2 * want);
  const timing: Capture['timing'] = [];
  let have = 0, dropped = 0, first = -1;
  try {
    for await (const b of source.blocks()) {
      if (first < 0) first = b.firstSample;
      dropped += b.dropped;
      const n = Math.min(b.data.length / 2, want - have);
      bytes.set(b.data.subarray(0, 2 * n), 2 * have);
      have += n;
      timing.push({ samples: b.firstSample - first + b.data.length / 2, at: b.receivedAt });
      progress(have / want);
      if (have >= want) break;
    }
  } finally {
    await source.close();
  }
  return {
    bytes: bytes.subarray(0, 2 * have), sampleRate: source.tuning.sampleRate, centerFrequency: source.tuning.centerFrequency, dropped, timing,
    config: { source: spec, seconds, sampleRate: rate, centerFrequency, gain: 40, name: source.info.name },
  };
}

const dB = (v: number) => 10 * Math.log10(v);

/** Running median of `x` over ±half points (clamped at the ends). */
function runningMedian(x: ArrayLike<number>, half: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const lo = Math.max(0, i - half), hi = Math.min(x.length, i + half + 1);
    out[i] = median(Array.prototype.slice.call(x, lo, hi) as number[]);
  }
  return out;
}

export interface FloorAnalysis {
  /** Peak-to-peak of the smoothed floor over the central 80 % of the band, DC left out (dB). */
  flatness: number;
  /** Spurs: channels above the smoothed floor by more than 6 dB (frequency offset Hz, level dB above floor), DC left out. */
  spurs: Array<{ offset: number; level: number }>;
  /** The strongest, dB above the floor (0 when none). */
  strongest: number;
  /** DC spike: the DC channel above the floor (dB). */
  dcSpike: number;
  /** Mean of I and Q minus 127.5 (counts). */
  dcOffset: { i: number; q: number };
  plot: Plot;
}

/** Noise floor, spurs and DC from a capture (1024-point averaged spectrum). */
export function analyseFloor(c: Capture): FloorAnalysis {
  const N = 1024;
  const spec = averagedSpectrum(toComplex(c.bytes), N);
  const smooth = runningMedian(spec, 15);
  const lo = Math.round(0.1 * N), hi = Math.round(0.9 * N);
  let min = Infinity, max = -Infinity;
  for (let k = lo; k < hi; k++) {
    if (Math.abs(k - N / 2) <= 2) continue;
    min = Math.min(min, smooth[k]!);
    max = Math.max(max, smooth[k]!);
  }
  const spurs: FloorAnalysis['spurs'] = [];
  for (let k = 1; k < N - 1; k++) {
    if (Math.abs(k - N / 2) <= 1) continue;
    const level = dB(spec[k]! / smooth[k]!);
    if (level > 6 && spec[k]! >= spec[k - 1]! && spec[k]! >= spec[k + 1]!) spurs.push({ offset: ((k - N / 2) * c.sampleRate) / N, level });
  }
  let si = 0, sq = 0;
  const n = c.bytes.length / 2;
  for (let k = 0; k < n; k++) {
    si += c.bytes[2 * k]!;
    sq += c.bytes[2 * k + 1]!;
  }
  const floorAtDc = (smooth[N / 2 - 3]! + smooth[N / 2 + 3]!) / 2;
  const mean = median(Array.from(smooth));
  return {
    flatness: dB(max / min), spurs, strongest: spurs.reduce((m, s) => Math.max(m, s.level), 0),
    dcSpike: dB(spec[N / 2]! / floorAtDc), dcOffset: { i: si / n - 127.5, q: sq / n - 127.5 },
    plot: {
      title: 'Averaged spectrum of the source (1024 channels) and its smoothed floor',
      x: { label: 'offset from the centre frequency (kHz)' },
      y: { label: 'power relative to the median floor (dB)' },
      series: [
        { name: 'spectrum', x: Array.from(spec, (_, k) => ((k - N / 2) * c.sampleRate) / N / 1e3), y: Array.from(spec, (v) => dB(v / mean)) },
        { name: 'floor (running median)', x: Array.from(smooth, (_, k) => ((k - N / 2) * c.sampleRate) / N / 1e3), y: Array.from(smooth, (v) => dB(v / mean)) },
      ],
    },
  };
}

/** A carrier at `reference` Hz: its measured frequency from a 65536-point averaged spectrum (parabolic peak), the error in ppm. */
export function frequencyError(c: Capture, reference: number): { ppm: number; sigma: number; measured: number; snr: number } | { problem: string } {
  const N = 65536;
  const offset = reference - c.centerFrequency;
  if (Math.abs(offset) > 0.45 * c.sampleRate) return { problem: `the reference ${reference} Hz is outside the captured band (${c.centerFrequency} ± ${0.45 * c.sampleRate} Hz)` };
  const spec = averagedSpectrum(toComplex(c.bytes), N);
  const bin = c.sampleRate / N;
  const centre = Math.round(offset / bin) + N / 2;
  const window = Math.ceil((100e-6 * reference) / bin); // ±100 ppm
  let k = centre;
  for (let j = Math.max(1, centre - window); j < Math.min(N - 1, centre + window); j++) if (spec[j]! > spec[k]!) k = j;
  const floor = median(Array.from(spec.subarray(Math.max(0, k - 200), k + 200)));
  const snr = dB(spec[k]! / floor);
  if (snr < 10) return { problem: `no carrier 10 dB above the floor within ±100 ppm of ${reference} Hz (best ${snr.toFixed(1)} dB)` };
  const [a, b, d] = [spec[k - 1]!, spec[k]!, spec[k + 1]!].map(Math.log);
  const frac = (0.5 * (a! - d!)) / (a! - 2 * b! + d!);
  const measured = c.centerFrequency + (k + frac - N / 2) * bin;
  // Parabolic interpolation on a windowless FFT: about a tenth of a bin at this SNR (stated, not fitted).
  return { ppm: ((measured - reference) / reference) * 1e6, sigma: ((0.1 * bin) / reference) * 1e6, measured, snr };
}

/**
 * Sample rate from the sample count against the host clock. A block can
 * arrive late (scheduling, the network), never early, so each block's
 * lateness a_i − n_i/f_nominal has a floor that tracks the true rate: the
 * floor over the first and over the last third of the capture (after the
 * first blocks, which come in a burst as buffers fill), their difference over
 * the samples between them. σ: the gap between the lowest and second-lowest
 * lateness in each third (how sharply the floor is defined), combined.
 */
export function sampleRateError(c: Capture): { ppm: number; sigma: number; rate: number } {
  const pts = c.timing.slice(Math.min(10, Math.floor(c.timing.length / 4)));
  if (pts.length < 6) throw new Error(`only ${c.timing.length} blocks arrived: too few to time the sample rate`);
  const third = Math.floor(pts.length / 3);
  const floorOf = (list: typeof pts) => {
    const late = list.map((p) => ({ p, l: p.at / 1000 - p.samples / c.sampleRate })).sort((x, y) => x.l - y.l);
    return { at: late[0]!.p, spread: late[1]!.l - late[0]!.l };
  };
  const early = floorOf(pts.slice(0, third)), late = floorOf(pts.slice(-third));
  const span = (late.at.samples - early.at.samples) / c.sampleRate; // seconds of samples between the two
  const seconds = (late.at.at - early.at.at) / 1000;
  const rate = (late.at.samples - early.at.samples) / seconds;
  return { ppm: (rate / c.sampleRate - 1) * 1e6, sigma: (Math.hypot(early.spread, late.spread, 0.001) / span) * 1e6, rate };
}

const captured = (ctx: MeasureContext) => ctx.once('hw-capture', () => capture(ctx.source!, ctx.quick ? 3 : 15, 1_420_405_752, ctx.progress));
const floor = (ctx: MeasureContext) => ctx.once('hw-floor', async () => analyseFloor(await captured(ctx)));

export const hardwareRequirements: Requirement[] = [
  {
    id: 'HW-FLATNESS', title: 'Source: noise floor flatness over the central 80 % of the band', group: 'hardware', limit: { max: 3 }, unit: 'dB', method: 'test', needs: 'source', seconds: [5, 17],
    procedure: 'The source read at 2.4 MS/s (1420.405752 MHz, 40 dB) for 3 s (15 s in the full run); a 1024-point averaged power spectrum (plain FFT, independent of the correlator), smoothed by a running median over 31 channels; peak-to-peak over the central 80 %, DC left out.',
    async measure(ctx) {
      const f = await floor(ctx), c = await captured(ctx);
      return { value: f.flatness, plots: [f.plot], config: c.config };
    },
  },
  {
    id: 'HW-SPURS', title: 'Source: strongest spur above the noise floor', group: 'hardware', limit: { max: 10 }, unit: 'dB', method: 'test', needs: 'source', seconds: [0, 0],
    procedure: 'From the same spectrum: channels more than 6 dB above the smoothed floor (local maxima, DC left out), listed; the strongest.',
    async measure(ctx) {
      const f = await floor(ctx);
      return { value: f.strongest, figures: { spurs: f.spurs.length }, notes: f.spurs.map((s) => `spur at ${(s.offset / 1e3).toFixed(1)} kHz: ${s.level.toFixed(1)} dB above the floor`) };
    },
  },
  {
    id: 'HW-DC', title: 'Source: DC offset (largest of |mean I − 127.5|, |mean Q − 127.5|)', group: 'hardware', limit: { max: 3 }, unit: 'counts', method: 'test', needs: 'source', seconds: [0, 0],
    procedure: 'From the same capture: the mean of the I and of the Q bytes against the ADC\'s mid-scale 127.5; the DC channel\'s spike above the floor beside it.',
    async measure(ctx) {
      const f = await floor(ctx);
      return { value: Math.max(Math.abs(f.dcOffset.i), Math.abs(f.dcOffset.q)), figures: { 'mean I − 127.5': Number(f.dcOffset.i.toFixed(3)), 'mean Q − 127.5': Number(f.dcOffset.q.toFixed(3)), 'DC spike (dB above floor)': Number(f.dcSpike.toFixed(2)) } };
    },
  },
  {
    id: 'HW-FREQUENCY', title: 'Source: frequency error against a carrier of known frequency (--reference HZ)', group: 'hardware', limit: { min: -1, max: 1 }, unit: 'ppm', method: 'test', needs: 'source', seconds: [2, 4],
    procedure: 'A 65536-point averaged spectrum of the same capture; the strongest peak within ±100 ppm of the reference, located by parabolic interpolation; (measured − reference)/reference. Set the dongle\'s --ppm to minus this.',
    async measure(ctx) {
      if (ctx.reference === undefined) return { value: null, notApplicable: 'no --reference HZ given (a carrier of known frequency in the band, e.g. 1419.6e6 for the simulator\'s RFI tone)' };
      const r = frequencyError(await captured(ctx), ctx.reference);
      if ('problem' in r) return { value: null, notes: [r.problem] };
      return { value: r.ppm, sigma: r.sigma, figures: { 'reference (Hz)': ctx.reference, 'measured (Hz)': Number(r.measured.toFixed(1)), 'SNR (dB)': Number(r.snr.toFixed(1)) } };
    },
  },
  {
    id: 'HW-RATE', title: 'Source: sample rate against the host clock', group: 'hardware', limit: { min: -1000, max: 1000 }, unit: 'ppm', method: 'test', needs: 'source', seconds: [0, 0],
    procedure: 'From the same capture: each block\'s arrival time against the samples delivered and dropped before it; blocks arrive late, never early, so the earliest arrivals in the first and in the last third of the capture give the rate. Limited by the host clock (1 ms) and how sharply the earliest arrivals are defined, which σ states.',
    async measure(ctx) {
      const c = await captured(ctx);
      const r = sampleRateError(c);
      return { value: r.ppm, sigma: r.sigma, figures: { 'measured rate (S/s)': Math.round(r.rate), 'samples dropped': c.dropped, blocks: c.timing.length } };
    },
  },
];

/** A rotator spec: `sim`, `rotctld[:HOST:PORT]`, or `DRIVER:SERIALPORT` (gs232a, gs232b, easycomm, rot2prog). Throws RangeError saying what is wrong. */
export function parseRotatorSpec(text: string): { driver: DriverName; port?: string } {
  const i = text.indexOf(':');
  const driver = (i < 0 ? text : text.slice(0, i)) as DriverName;
  const port = i < 0 ? undefined : text.slice(i + 1);
  if (!drivers.includes(driver)) throw new RangeError(`a rotator is sim, rotctld[:HOST:PORT] or DRIVER:PORT with DRIVER one of ${drivers.join(', ')} (got '${text}')`);
  if (driver === 'sim' && port) throw new RangeError(`the simulated mount takes no port (write sim, got '${text}')`);
  if (driver !== 'sim' && driver !== 'rotctld' && !port) throw new RangeError(`the ${driver} driver needs its serial port: ${driver}:/dev/ttyUSB0`);
  return port ? { driver, port } : { driver };
}

/**
 * Round trip: from where the rotator is, 10° in azimuth and 5° in elevation
 * (toward the middle of its limits) and back, each move waited for with a
 * 0.05° tolerance, then read again once settled; the worst pointing error on
 * the sky (Δaz·cos el, Δel) of the two arrivals.
 */
export async function rotatorRoundTrip(spec: string): Promise<{ worst: number; legs: Array<{ target: { az: number; el: number }; reached: { az: number; el: number }; error: number }> }> {
  const rot = await openRotator(parseRotatorSpec(spec));
  try {
    const start = await rot.position();
    const l = rot.limits;
    const step = (v: number, lo: number, hi: number, d: number) => (v + d <= hi ? v + d : v - d >= lo ? v - d : (lo + hi) / 2);
    const away = { az: step(start.az, l.azMin, l.azMax, 10), el: step(start.el, l.elMin, Math.min(l.elMax, 85), 5) };
    const legs = [];
    for (const target of [away, start]) {
      await goto(rot, target.az, target.el, { tolerance: 0.05, timeout: 180, interval: 0.2 });
      const reached = await rot.position();
      const dAz = ((((reached.az - target.az) % 360) + 540) % 360) - 180;
      const error = Math.hypot(dAz * Math.cos((target.el * Math.PI) / 180), reached.el - target.el);
      legs.push({ target, reached: { az: reached.az, el: reached.el }, error });
    }
    return { worst: Math.max(...legs.map((x) => x.error)), legs };
  } finally {
    await rot.close();
  }
}

export const rotatorRequirement: Requirement = {
  id: 'HW-ROTATOR', title: 'Rotator: round-trip pointing error (--rotator SPEC)', group: 'hardware', limit: { max: 0.5 }, unit: '°', method: 'demonstration', needs: 'source', seconds: [10, 10],
  procedure: 'From the rotator\'s position, a move of 10° in azimuth and 5° in elevation and back, each waited for (0.05° tolerance, 180 s at most); the position read after each arrival against the one commanded, as an angle on the sky; the worst of the two.',
  async measure(ctx) {
    if (!ctx.rotator) return { value: null, notApplicable: 'no --rotator SPEC given' };
    const r = await rotatorRoundTrip(ctx.rotator);
    return {
      value: r.worst,
      figures: Object.fromEntries(r.legs.map((x, i) => [`leg ${i + 1}: to az ${x.target.az.toFixed(2)}° el ${x.target.el.toFixed(2)}°`, `reached az ${x.reached.az.toFixed(3)}° el ${x.reached.el.toFixed(3)}° (${x.error.toFixed(3)}°)`])),
      config: { rotator: ctx.rotator },
    };
  },
};
