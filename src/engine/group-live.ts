/**
 * Calibration tracking of a live coherent group (group-tracking.ts wired to
 * a live session): where the station can switch the group's common noise
 * source (the simulator's; real hardware gets a switch when a driver offers
 * one), it calibrates the group at start, hands each solution to the
 * correlator (Session.setCalibration: delays, per-channel gains), re-checks
 * every `recheckSeconds` of samples and at once when a baseline's band
 * coherence collapses. Each change reaches the station as an event (a
 * notice, the status, and a 'calibration' event of a recording). The solve
 * runs in a worker thread (group-solve.ts).
 */
import type { Block, Integration } from '../../correlator/types.ts';
import { CoherentGroup } from '../../devices/sdr/group.ts';
import { bandCoherence } from '../analysis/coherence.ts';
import { offThreadSolver, type Solver } from './group-solve.ts';
import { GroupTracker, type NoiseSwitch, type TrackingEvent, type TrackingState } from './group-tracking.ts';
import type { Session } from './session.ts';
import type { GroupTrackingStatus } from '../api/types.ts';

export interface GroupLiveOptions {
  /** Seconds of samples between checks (default 60). */
  recheckSeconds?: number;
  /** Default: a worker thread. */
  solver?: Solver;
  /** A change of state or calibration (sky time of the check, Unix s). */
  onEvent(e: TrackingEvent & { time: number }): void;
}

export class GroupLiveTracking {
  private readonly tracker: GroupTracker;
  private readonly solver: Solver & { close?: () => Promise<void> };
  private readonly events: (TrackingEvent & { time: number })[] = [];
  private readonly flags: Uint8Array[];
  private closed = false;
  /** The count of the calibration the tracker applied last (Session.setCalibration): integrations computed before it are not judged. */
  private applied = 0;

  /** Tracking for a live session, or null where there is nothing to track (one input, autos only, no switchable noise source) or it was asked not to calibrate. */
  static for(session: Session, options: GroupLiveOptions): GroupLiveTracking | null {
    if (session.inputs < 2 || session.fx.mode === 'autos' || !session.pipeline || session.spec.calibrate === false) return null;
    // The common noise source is switched on every member (a simulated group's members each run the scenario).
    const source = session.source;
    const members = source instanceof CoherentGroup ? source.members : [source];
    const switches = members.map((m) => (m as Partial<{ setNoiseSource(on: boolean | null): number | void }>).setNoiseSource?.bind(m));
    if (switches.some((s) => !s)) return null;
    // Where the switch applies from: past the samples every member made before it (the group's calibration read included).
    const set = (on: boolean | null) => {
      const from = switches.map((s) => s!(on));
      return from.every((f) => typeof f === 'number') ? Math.max(...(from as number[])) : undefined;
    };
    return new GroupLiveTracking(session, { set }, options);
  }

  constructor(
    private readonly session: Session,
    noise: NoiseSwitch | null,
    private readonly options: GroupLiveOptions,
  ) {
    this.solver = options.solver ?? offThreadSolver();
    const C = session.fx.channels;
    this.flags = Array.from({ length: session.inputs }, () => new Uint8Array(C));
    this.tracker = new GroupTracker({
      inputs: session.inputs, sampleRate: session.source.tuning.sampleRate, channels: C,
      recheckSeconds: options.recheckSeconds ?? 60, noise, solver: this.solver,
      apply: (c) => {
        if (!this.closed) this.applied = session.setCalibration(c);
      },
      record: (e) => {
        if (this.closed) return;
        const event = { ...e, time: session.timeOfSample(e.sample) };
        this.events.push(event);
        if (this.events.length > 20) this.events.shift();
        options.onEvent(event);
      },
    });
  }

  /** Every block the live view reads. */
  block(b: Block): void {
    if (!this.closed) this.tracker.noteBlock(b);
  }

  /**
   * Every integration: its band coherence per baseline (a collapse makes the
   * next check due at once). Those computed before the last calibration took
   * effect are left out: after a re-alignment they still show the collapse
   * it corrected, and would call it lost again.
   */
  integration(i: Integration): void {
    if (this.closed || i.spectra === 0 || i.calibration < this.applied) return;
    this.tracker.noteCoherence(bandCoherence(i, this.session.inputs, this.session.fx.channels, this.flags));
  }

  status(): GroupTrackingStatus {
    return {
      state: this.tracker.state,
      delays: this.tracker.current?.delays ?? null,
      recheckSeconds: this.options.recheckSeconds ?? 60,
      events: [...this.events],
    };
  }

  /** Stops tracking (the live view ended): the check under way finishes unseen, the worker ends. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tracker.idle().catch(() => {});
    await this.solver.close?.();
  }
}

/** A tracking event in words, for a notice. */
export function trackingText(e: TrackingEvent): string {
  const delays = e.delays ? ` Delays ${e.delays.map((d) => d.toFixed(2)).join(', ')} samples.` : '';
  return `Group calibration ${e.state}: ${e.reason}.${delays}`;
}
