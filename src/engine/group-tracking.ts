/**
 * Calibration tracking of a coherent group: the station re-checks the
 * group's delays and gains on a schedule and whenever a baseline's coherence
 * collapses (a dongle that lost samples over rtl_tcp shifts its delay
 * silently), re-aligns, and records every change as an event.
 *
 * A check switches the common noise source on, captures `captureSamples` of
 * every input, switches it off, captures as many again, and solves (integer
 * delays by cross-correlation with their dynamic-range check, delay.ts; then
 * fractional delays and per-channel gains from the on − off visibilities,
 * groupcal.ts, through the float64 reference correlator: group-solve.ts, in
 * a worker thread where the station runs it). The solution goes
 * to `apply` (the session's setCalibration). Samples are counted per input
 * by each block's firstSample, so a silent loss on one input shows as a
 * changed integer delay.
 *
 * States: calibrating (no solution yet), locked (the last check agreed with
 * the one before), tracking (a check moved a delay or a phase and the
 * correction was applied), lost (a check failed or coherence collapsed; the
 * next check is due at once).
 */
import type { Block, Calibration } from '../../correlator/types.ts';
import { solveCheck, type SolveResult, type Solver } from './group-solve.ts';

export type TrackingState = 'calibrating' | 'locked' | 'tracking' | 'lost';

/** One change of a group's calibration or state, as an observation's event records it. */
export interface TrackingEvent {
  /** Input 0's sample index when the check that caused it began (samples). */
  sample: number;
  /** Input 0's sample index when its calibration was handed on (samples), when it applied one. */
  appliedAt?: number;
  state: TrackingState;
  /** What happened, in words. */
  reason: string;
  /** The delays applied (samples), when this event applied a calibration. */
  delays?: number[];
  /** Change of each delay from the previous calibration (samples), when there was one. */
  delayChange?: number[];
  /** Each input's band coherence with input 0 on the noise source (0…1). */
  coherence?: number[];
}

/** The station's switch of the common noise source; null where it cannot be switched (a strong common signal stands in, never subtracted). */
export interface NoiseSwitch {
  /**
   * On, off, or null to give the switch back to its schedule. Returns, where
   * the source knows it, the sample index (the inputs' count) from which its
   * samples are made after the switch: a source may hold samples made before
   * it (a group's calibration read, replayed to the live view; blocks queued).
   */
  set(on: boolean | null): number | void;
}

export interface TrackerOptions {
  inputs: number;
  sampleRate: number;
  /** Channels of the calibration's gains: the correlator's channels. */
  channels: number;
  /** Seconds of sample time between checks (default 60). */
  recheckSeconds?: number;
  /** Samples captured per input in each noise-source state (default 2¹⁷). */
  captureSamples?: number;
  /** Samples skipped after switching the noise source, for blocks already under way (default 2¹⁶). */
  settleSamples?: number;
  /** Largest integer delay searched (samples, default 16384). */
  maxLag?: number;
  /** A band coherence below this fraction of the one at the last check is a collapse (default 0.5). */
  collapse?: number;
  /** Channels for the solve (default 64: the gains are interpolated to `channels`). */
  solveChannels?: number;
  noise: NoiseSwitch | null;
  /** Runs a check's solve (default: in this thread; a live station passes group-solve.ts's offThreadSolver). */
  solver?: Solver;
  apply(c: Calibration): void;
  record(e: TrackingEvent): void;
}

type Phase = { kind: 'idle' } | { kind: 'on' | 'off'; began: number; start: number[]; buffers: Uint8Array[]; filled: number[]; on?: Uint8Array[] };

export class GroupTracker {
  state: TrackingState = 'calibrating';
  /** The calibration applied last, or null. */
  current: { delays: number[]; gains: Float32Array[] } | null = null;
  /** Input 0's sample index at which the next scheduled check starts. */
  private nextCheck = 0;
  private phase: Phase = { kind: 'idle' };
  private readonly next: number[];
  private solving: Promise<void> | null = null;
  private lastCoherence: number[] | null = null;
  private readonly o: Required<Omit<TrackerOptions, 'noise' | 'apply' | 'record'>> & Pick<TrackerOptions, 'noise' | 'apply' | 'record'>;

  constructor(options: TrackerOptions) {
    this.o = { recheckSeconds: 60, captureSamples: 1 << 17, settleSamples: 1 << 16, maxLag: 16384, collapse: 0.5, solveChannels: 64, solver: solveCheck, ...options };
    this.next = new Array<number>(options.inputs).fill(0);
  }

  /** The check in progress finishes (for tests and a clean stop). */
  async idle(): Promise<void> {
    while (this.solving) await this.solving;
  }

  /** A baseline coherence seen live (bandCoherence): a collapse against the last check makes the next check due now. */
  noteCoherence(coherence: { a: number; b: number; coherence: number }[]): void {
    if (!this.lastCoherence || this.state === 'lost') return;
    for (const c of coherence) {
      if (c.a !== 0) continue;
      const ref = this.lastCoherence[c.b];
      if (ref !== undefined && c.coherence < this.o.collapse * ref) {
        this.lost(this.next[0]!, `coherence of baseline 0–${c.b} fell to ${c.coherence.toFixed(3)} (${ref.toFixed(3)} at the last check)`);
        return;
      }
    }
  }

  /** Every block of the group, in order per input. */
  noteBlock(block: Block): void {
    const a = block.input, n = block.data.length >> 1;
    this.next[a] = block.firstSample + n;
    if (this.phase.kind === 'idle') {
      if (a === 0 && !this.solving && block.firstSample >= this.nextCheck) this.begin('on');
      return;
    }
    const p = this.phase;
    // The next sample this input's capture needs: its blocks must cover the capture without a hole.
    const want = p.start[a]! + p.filled[a]!;
    if (p.filled[a]! < this.o.captureSamples && block.firstSample + n > want) {
      // A gap inside the capture, or one that jumped over it (reported, or a count that leaps: a paced source that fell
      // behind): start the capture again after it.
      if (block.firstSample > want) {
        this.begin(p.kind, p.on, p.began);
        return;
      }
      const to = Math.min(p.start[a]! + this.o.captureSamples, block.firstSample + n);
      p.buffers[a]!.set(block.data.subarray(2 * (want - block.firstSample), 2 * (to - block.firstSample)), 2 * p.filled[a]!);
      p.filled[a]! += to - want;
    }
    if (p.filled.every((f) => f >= this.o.captureSamples)) {
      if (p.kind === 'on' && this.o.noise) this.begin('off', p.buffers, p.began);
      else this.finish(p.on ?? p.buffers, p.kind === 'off' ? p.buffers : null, p.began);
    }
  }

  private begin(kind: 'on' | 'off', on?: Uint8Array[], began = this.next[0]!): void {
    const from = this.o.noise?.set(kind === 'on');
    const N = this.o.inputs;
    // The same sample index on every input (the dongles share a clock: what the correlator pairs), past every block under
    // way and every sample the source made before the switch.
    const start = Math.max(...this.next, typeof from === 'number' ? from : 0) + this.o.settleSamples;
    this.phase = {
      kind,
      began,
      start: new Array<number>(N).fill(start),
      buffers: Array.from({ length: N }, () => new Uint8Array(2 * this.o.captureSamples)),
      filled: new Array<number>(N).fill(0),
      ...(on ? { on } : {}),
    };
  }

  private finish(on: Uint8Array[], off: Uint8Array[] | null, began: number): void {
    this.o.noise?.set(null);
    this.phase = { kind: 'idle' };
    // Checks start every recheck period (from the start of the last one), or at once after a failure.
    this.solving = this.solve(on, off, began).finally(() => {
      this.solving = null;
      this.nextCheck = this.state === 'lost' ? this.next[0]! : began + Math.round(this.o.recheckSeconds * this.o.sampleRate);
    });
  }

  private lost(sample: number, reason: string): void {
    this.state = 'lost';
    this.nextCheck = sample;
    this.o.record({ sample, state: 'lost', reason });
  }

  private async solve(on: Uint8Array[], off: Uint8Array[] | null, sample: number): Promise<void> {
    const N = this.o.inputs, C = this.o.solveChannels;
    let solution: SolveResult;
    try {
      solution = await this.o.solver({ inputs: N, channels: C, maxLag: this.o.maxLag, on, off });
    } catch (err) {
      this.lost(sample, `the calibration check failed: ${(err as Error).message ?? err}`);
      return;
    }
    if (!solution.ok) {
      this.lost(sample, solution.reason);
      return;
    }
    const gains = solution.gains.map((g) => resampleGains(g, C, this.o.channels));
    const previous = this.current;
    const delayChange = previous ? solution.delays.map((d, a) => d - previous.delays[a]!) : undefined;
    this.lastCoherence = solution.coherence;
    const moved = !previous || delayChange!.some((d) => Math.abs(d) > 0.05) || phaseMoved(previous.gains, gains, 5);
    if (!moved) {
      this.state = 'locked';
      return;
    }
    this.current = { delays: solution.delays, gains };
    this.o.apply({ delays: solution.delays, gains });
    const whole = delayChange?.some((d) => Math.abs(d) >= 0.5);
    const state: TrackingState = previous ? 'tracking' : 'locked';
    const reason = !previous
      ? 'calibrated from the noise source'
      : whole
        ? `re-aligned: integer delay changed by ${delayChange!.map((d) => Math.round(d)).join(', ')} samples (samples lost without a trace?)`
        : 'delays or phases drifted; corrected';
    this.state = state;
    this.o.record({ sample, appliedAt: this.next[0]!, state, reason, delays: solution.delays, ...(delayChange ? { delayChange } : {}), coherence: solution.coherence });
  }
}

/** Gains solved on `from` channels, spread to `to` channels (nearest solved channel; the same centre frequencies when from = to). */
export function resampleGains(g: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return g;
  const out = new Float32Array(2 * to);
  for (let j = 0; j < to; j++) {
    const k = Math.min(from - 1, Math.max(0, Math.round(((j - to / 2) / to) * from + from / 2)));
    out[2 * j] = g[2 * k]!;
    out[2 * j + 1] = g[2 * k + 1]!;
  }
  return out;
}

/**
 * Whether any input's gain phase moved more than `deg` degrees across the
 * band: the phase of Σ_j h_j·conj(g_j), a change common to the channels (an
 * LO or cable phase), not each channel's own noise (a few degrees from a
 * 200 K noise source over 2¹⁷ samples: channel by channel, checks differed by
 * up to 10° with nothing changed).
 */
function phaseMoved(a: Float32Array[], b: Float32Array[], deg: number): boolean {
  const limit = (deg * Math.PI) / 180;
  return a.some((g, i) => {
    const h = b[i]!;
    let re = 0, im = 0;
    for (let j = 0; j < g.length; j += 2) {
      re += h[j]! * g[j]! + h[j + 1]! * g[j + 1]!;
      im += h[j + 1]! * g[j]! - h[j]! * g[j + 1]!;
    }
    return Math.abs(Math.atan2(im, re)) > limit;
  });
}
