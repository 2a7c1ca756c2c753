/**
 * Writing a session's integrations into an observation: each in its own
 * transaction (the store's), with 'pointing' events when the dish moved and
 * a 'calibration' event at the first integration a new calibration applies
 * to. Event times are sky time, as the integrations' are.
 */
import type { Integration } from '../../correlator/types.ts';
import type { Recording } from '../../observations/store/recording.ts';
import type { PointingTracker } from './pointing.ts';
import { recordedKelvin } from './live-kelvin.ts';
import type { Session } from './session.ts';

export class ObservationWriter {
  /** Integrations stored. */
  integrations = 0;
  /** The calibration count of the last integration stored (0: the construction's); −1 before the first. */
  private calibration = -1;

  /**
   * @param offset the session's sample at which the observation starts: the
   *   store counts samples from there (a live recording starts mid-stream)
   */
  constructor(
    readonly rec: Recording,
    private readonly session: Session,
    private readonly tracker: PointingTracker,
    private readonly offset = 0,
  ) {}

  /** Sky time (Unix s) of the session's sample `sample`, as the store times this observation's integrations. */
  timeOf(sample: number): number {
    return this.rec.start + (this.session.clock.speed * (sample - this.offset)) / this.session.source.tuning.sampleRate;
  }

  /** Stores one integration, and the events that go with it. Throws what the store throws (disk full, read-only). */
  append(i: Integration): void {
    this.rec.append(this.offset ? { ...i, firstSample: i.firstSample - this.offset } : i);
    this.integrations++;
    const time = this.timeOf(i.firstSample);
    this.session.noteIntegration(i as { calibration?: number });
    const n = this.session.calibrationApplied;
    if (n !== this.calibration) {
      // A kelvin calibration (live-kelvin.ts) is noted from the first integration it applies to, also when it was in force
      // before the recording started; any other new calibration (a group's delays and gains) when it changes.
      const kelvin = recordedKelvin(this.session, n);
      const first = this.calibration < 0;
      if (!first || kelvin) this.rec.event('calibration', { calibration: n, fromIntegration: i.index, ...(first ? {} : this.session.calibrationOf(n)), ...(kelvin ? { kelvin } : {}) }, time);
      this.calibration = n;
    }
    for (const p of this.tracker.moved(time * 1000)) this.rec.event('pointing', { ...p }, time);
  }

  /** Records where the dish points now (a rotator's arrival), with what else is known of it. */
  pointingNow(extra: Record<string, unknown> = {}): void {
    const time = this.session.clock.now() / 1000;
    for (const p of this.tracker.at(time * 1000)) this.rec.event('pointing', { ...p, ...extra }, time);
  }
}
