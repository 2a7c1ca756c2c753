/**
 * The streaming pipeline: blocks of any size and alignment from N inputs go
 * in; integrations of K spectra come out, identical to processing the whole
 * stream at once.
 *
 * Every integration is cut into batches of `backend.batch` spectra counted
 * from its first spectrum, and a batch is computed only once all of its
 * samples are here, so neither the sums nor their rounding depend on how the
 * stream was chunked.
 *
 * Gaps: a source that drops samples leaves a hole in one input. No spectrum
 * may straddle a hole, so the integration in progress ends at the last
 * spectrum before it (end: 'gap') carrying the dropped count, and the next
 * starts at the first sample after it, for all inputs together (whatever
 * the other inputs hold below that point is discarded). If the gap falls
 * between integrations, its count goes to the next one.
 *
 * Calibration (`setCalibration`) is an input of the running pipeline. A call
 * only records the change; it takes effect at the next integration boundary
 * (at once when no spectrum of the integration in progress has been computed
 * yet), so one integration is never computed with two calibrations, and each
 * carries the count of calls in effect. Integer delays move each input's read
 * position; a delay that grows skips samples on that input, one that shrinks
 * would need samples already consumed under the old delay, so the next
 * integration starts after them instead (its firstSample jumps by the largest
 * decrease, like a gap but with no samples dropped): every integration after
 * a change equals the reference computed with the new delays over its own
 * samples. Fractional delays and gains reach the backend as one set of
 * per-channel gains (calibration.ts); scale is applied to the float64 sums.
 */
import type { FxBackend } from './backend.ts';
import { calibratedGains, scaleSums, validateCalibration, wholeDelays } from './calibration.ts';
import { windowSamples } from './config.ts';
import { CorrelatorError } from './errors.ts';
import { InputStream } from './stream.ts';
import type { Block, Calibration, CalibrationState, Integration, IntegrationEnd } from './types.ts';

export class Pipeline {
  private readonly streams: InputStream[];
  /** Common index of the next spectrum's first sample. */
  private next = 0;
  /** Common index of the integration's first sample. */
  private first = 0;
  /** Spectra in the integration so far. */
  private spectra = 0;
  private index = 0;
  private readonly dropped: number[];
  /** Reused for every batch: each input's window, starting at `next`. */
  private readonly windows: Uint8Array[];
  private closed = false;
  /** The calibration in force. */
  private cal: CalibrationState;
  /** setCalibration calls so far, applied or not. */
  private calls = 0;
  /** Changes waiting for the next integration boundary, merged in call order. */
  private pending: Calibration | null = null;

  constructor(readonly backend: FxBackend) {
    const { inputs, delays, gains } = backend.config;
    this.streams = Array.from({ length: inputs }, (_, a) => new InputStream(a, delays[a]));
    this.dropped = new Array<number>(inputs).fill(0);
    this.windows = this.streams.map((s) => s.view(0));
    this.cal = { count: 0, delays: [...delays], gains, scale: null };
  }

  get config() {
    return this.backend.config;
  }

  /** The calibration in force (what the next spectrum computed uses, unless a change is pending). */
  get calibration(): CalibrationState {
    return { ...this.cal, delays: [...this.cal.delays], scale: this.cal.scale && [...this.cal.scale] };
  }

  /** Whether a setCalibration call waits for the next integration boundary. */
  get calibrationPending(): boolean {
    return this.pending !== null;
  }

  /**
   * Changes the calibration from the next integration boundary on; fields left
   * out keep their values (types.ts `Calibration`). Throws a CorrelatorError
   * ('config') for a malformed calibration, leaving everything as it was.
   */
  setCalibration(calibration: Calibration): void {
    if (this.closed) throw new CorrelatorError('closed', 'the pipeline has ended; start a new one');
    const checked = validateCalibration(calibration, this.config.inputs, this.config.channels);
    this.pending = { ...this.pending, ...checked };
    this.calls++;
  }

  /** Applies the pending calibration; only at an integration boundary (no spectra summed). */
  private async applyCalibration(): Promise<void> {
    const change = this.pending!;
    this.pending = null;
    const old = this.cal;
    const next: CalibrationState = {
      count: this.calls,
      delays: change.delays ? [...change.delays] : old.delays,
      gains: change.gains !== undefined ? (change.gains as Float32Array[] | null) : old.gains,
      scale: change.scale !== undefined ? (change.scale ? [...change.scale] : null) : old.scale,
    };
    const [was, now] = [wholeDelays(old.delays), wholeDelays(next.delays)];
    if (now.some((d, a) => d !== was[a])) {
      // A shrinking delay needs samples consumed already: start after them (see the header).
      const skip = Math.max(0, ...was.map((d, a) => d - now[a]));
      this.streams.forEach((s, a) => s.setDelay(now[a]));
      this.next = this.first = this.next + skip;
      for (const s of this.streams) s.discardBelow(this.next);
    }
    const fractionChanged = next.delays.some((d, a) => d - now[a] !== old.delays[a] - was[a]);
    if (change.gains !== undefined || fractionChanged) {
      await this.backend.setGains(calibratedGains(this.config.channels, next.delays, next.gains));
    }
    this.cal = next;
  }

  /** Takes one block; resolves to the integrations it completed (often none). */
  async push(block: Block): Promise<Integration[]> {
    if (this.closed) throw new CorrelatorError('closed', 'the pipeline has ended; start a new one');
    const a = block.input;
    if (!Number.isInteger(a) || a < 0 || a >= this.streams.length) {
      throw new CorrelatorError('block', `block for input ${a}, but the correlator has inputs 0 … ${this.streams.length - 1}`);
    }
    this.dropped[a] += this.streams[a].push(block);
    return this.run(false);
  }

  /** Ends the stream: computes what the held samples allow and emits the last, partial integration. */
  async end(): Promise<Integration[]> {
    if (this.closed) return [];
    const out = await this.run(true);
    if (this.spectra > 0) out.push(await this.emit('end'));
    this.closed = true;
    return out;
  }

  private async run(ending: boolean): Promise<Integration[]> {
    const { channels: C, spectraPerIntegration: K } = this.config;
    const B = this.backend.batch;
    const M = windowSamples(this.config, 1);
    const out: Integration[] = [];
    for (;;) {
      if (this.pending && this.spectra === 0) await this.applyCalibration();
      // The rest of the current batch, never past the integration's end.
      const batch = Math.min(B - (this.spectra % B), K - this.spectra);
      let avail = Infinity;
      for (const s of this.streams) avail = Math.min(avail, s.end);
      let n = this.next + windowSamples(this.config, batch) <= avail ? batch : 0;
      if (n === 0) {
        // Not a whole batch. Is a gap in the way, or is it the end of the stream?
        const gaps = this.streams.map((s) => s.gapAt());
        let g = Infinity, at = -1;
        gaps.forEach((p, a) => {
          if (p !== null && p < g) [g, at] = [p, a];
        });
        if (at < 0 && !ending) break;
        // More data may still come for inputs below the gap: wait for it (unless ending).
        if (!ending && this.streams.some((s, a) => gaps[a] === null && s.end < g)) break;
        // Whatever fits before the gap (or the end) is computed; only then is the gap resolved.
        const limit = Math.min(g, avail);
        n = limit - this.next >= M ? Math.min(batch, Math.floor((limit - this.next - M) / C) + 1) : 0;
        if (n === 0) {
          if (at < 0) break; // ending, and nothing more fits
          const { resume, dropped } = this.streams[at].resumeAfterGap();
          this.dropped[at] += dropped;
          if (this.spectra > 0) out.push(await this.emit('gap'));
          this.next = this.first = Math.max(resume, this.next);
          for (const s of this.streams) s.discardBelow(this.next);
          continue;
        }
      }
      await this.compute(n);
      if (this.spectra === K) out.push(await this.emit('full'));
    }
    return out;
  }

  private async compute(spectra: number): Promise<void> {
    for (let a = 0; a < this.streams.length; a++) this.windows[a] = this.streams[a].view(this.next);
    await this.backend.accumulate(this.windows, spectra);
    this.spectra += spectra;
    this.next += spectra * this.config.channels;
    for (const s of this.streams) s.discardBelow(this.next);
  }

  private async emit(end: IntegrationEnd): Promise<Integration> {
    const sums = await this.backend.take();
    if (this.cal.scale) scaleSums(sums, this.cal.scale, this.config.channels, this.config.mode);
    const integration: Integration = {
      index: this.index++,
      firstSample: this.first,
      spectra: sums.spectra,
      end,
      visibilities: sums.visibilities,
      power2: sums.power2,
      clipped: sums.clipped,
      dropped: [...this.dropped],
      calibration: this.cal.count,
    };
    this.dropped.fill(0);
    this.first = this.next;
    this.spectra = 0;
    return integration;
  }
}
