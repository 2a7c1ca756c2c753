/**
 * Detects samples a source lost without a trace (librtlsdr drops silently
 * when the chip's FIFO or the USB transfers overflow) by comparing the
 * samples delivered with the host time elapsed at the set sample rate.
 *
 * The lag L = (elapsed time)·rate − (samples delivered + samples counted as
 * dropped) grows for a while when the host is slow and shrinks back when the
 * queued transfers catch up: that is latency, not loss. Loss raises the
 * lag's floor for good. So the detector keeps the minimum lag over a sliding
 * window (`windowMs`) and a floor that may creep upwards at `driftPpm` (the
 * dongle's crystal against the host clock) and falls whenever the window's
 * minimum is below it. When the window's minimum stands more than
 * `thresholdSamples` above the floor, that excess is reported as dropped.
 * A drop is therefore reported up to one window after it happened, on the
 * block in hand at that moment; the total is what matters for timing.
 */

export interface DropDetectorOptions {
  /** The rate samples should arrive at (Hz). */
  sampleRate: number;
  /** Width of the sliding window over which the minimum lag is taken (ms). Default 500. */
  windowMs?: number;
  /** Smallest loss reported (samples). Default 10 ms of samples. */
  thresholdSamples?: number;
  /** How fast the floor may rise without counting loss (ppm of the rate). Default 100. */
  driftPpm?: number;
}

export class DropDetector {
  private readonly rate: number;
  private readonly windowMs: number;
  private readonly threshold: number;
  private readonly drift: number;
  private t0 = NaN;
  private tLast = NaN;
  private position = 0;
  private floor = 0;
  /** Recent (time ms, lag samples) pairs, oldest first. */
  private times: number[] = [];
  private lags: number[] = [];
  /** Samples counted as dropped so far. */
  total = 0;

  constructor(options: DropDetectorOptions) {
    if (!(options.sampleRate > 0)) throw new RangeError('DropDetector: sampleRate must be > 0 Hz');
    this.rate = options.sampleRate;
    this.windowMs = options.windowMs ?? 500;
    this.threshold = options.thresholdSamples ?? Math.round(0.01 * this.rate);
    this.drift = (options.driftPpm ?? 100) * 1e-6;
  }

  /**
   * Records a buffer of `samples` samples that arrived at `nowMs` (a
   * monotonic host clock, ms) and returns the samples found lost before it
   * (0 nearly always).
   */
  onBuffer(nowMs: number, samples: number): number {
    if (Number.isNaN(this.t0)) {
      // The first buffer's samples were taken during the time before it arrived.
      this.t0 = nowMs - (samples / this.rate) * 1000;
      this.tLast = nowMs;
      this.position = samples;
      this.push(nowMs, 0);
      return 0;
    }
    this.position += samples;
    const lag = ((nowMs - this.t0) / 1000) * this.rate - this.position;
    this.floor += this.drift * this.rate * Math.max(0, (nowMs - this.tLast) / 1000);
    this.tLast = nowMs;
    this.push(nowMs, lag);
    let min = Infinity;
    for (const l of this.lags) if (l < min) min = l;
    if (min < this.floor) this.floor = min;
    const spanned = nowMs - this.times[0]! >= this.windowMs;
    const excess = min - this.floor;
    if (!spanned || excess <= this.threshold) return 0;
    const dropped = Math.round(excess);
    this.total += dropped;
    this.position += dropped;
    for (let i = 0; i < this.lags.length; i++) this.lags[i]! -= dropped;
    return dropped;
  }

  private push(t: number, lag: number): void {
    this.times.push(t);
    this.lags.push(lag);
    let cut = 0;
    // Keep the newest entry at least a window old, so that the window always
    // spans windowMs even across a stall with no buffers.
    while (cut < this.times.length - 1 && t - this.times[cut + 1]! >= this.windowMs) cut++;
    if (cut > 0) {
      this.times.splice(0, cut);
      this.lags.splice(0, cut);
    }
  }
}
