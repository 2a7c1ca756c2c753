/**
 * Tracking: the rotator follows a target (src/astro/targets.ts) on the sky
 * clock. It is commanded again every `every` sky seconds, or as soon as the
 * reported position is more than `threshold` degrees from the target
 * (a fraction of the beam: `thresholdFor`), whichever comes first; the
 * driver resolves the azimuth wrap and refuses what is outside the mount's
 * limits (the target then waits, said once, until it is back inside).
 * Every command and the position reported when it is given are handed to
 * `onEvent`, which a recording stores as 'pointing' events.
 *
 * Pointing corrections (the drift wizard's stored offsets) are applied by
 * `correction`, which maps where the target is to where to command.
 */
import type { Site } from '../astro/site.ts';
import { separation, type Target } from '../astro/targets.ts';
import type { SkyClock } from './clock.ts';

/** What the tracker drives: a connected rotator (RotatorControl) or any twin of it. */
export interface TrackMount {
  /** The last position read (degrees). */
  readonly last: { az: number; el: number };
  /** Commands a move; resolves to the mechanical target once the controller took it. */
  goto(az: number, el: number): Promise<{ az: number; el: number }>;
}

export interface TrackEvent {
  /** Sky time (ms since the Unix epoch). */
  at: number;
  kind: 'command' | 'refused';
  /** Where the target is (degrees). */
  target: { az: number; el: number };
  /** What was commanded (after any correction), degrees. */
  commanded: { az: number; el: number };
  /** Where the mount said it was when commanded, degrees. */
  reported: { az: number; el: number };
  /** Separation of the reported position from the target (degrees). */
  error: number;
  /** Why the mount refused the command ('refused' only). */
  reason?: string;
}

export interface TrackOptions {
  target: Target;
  site: Site;
  clock: SkyClock;
  mount: TrackMount;
  /** Command at least every this many sky seconds (0: only when the error exceeds the threshold). */
  every?: number;
  /** Command when the reported position is farther than this from the target (degrees). */
  threshold: number;
  /** Wall-clock milliseconds between checks (default 200). */
  tickMs?: number;
  /** Maps the target's position to the position to command (a stored pointing correction); default none. */
  correction?: (p: { az: number; el: number }) => { az: number; el: number };
  onEvent?: (e: TrackEvent) => void;
}

/** The error threshold (degrees) for a fraction of a beam (HPBW, degrees): e.g. 0.05 of a 15° beam. */
export function thresholdFor(beamFwhm: number, fraction: number): number {
  if (!(beamFwhm > 0) || !(fraction > 0 && fraction < 1)) throw new RangeError(`a tracking threshold needs a beam width > 0 and a fraction between 0 and 1 (got ${beamFwhm}, ${fraction})`);
  return beamFwhm * fraction;
}

export class Tracker {
  private timer: NodeJS.Timeout | null = null;
  private lastCommand = -Infinity;
  private busy = false;
  private stopped = true;
  /** The last refusal said, so it is said once until tracking resumes. */
  private refused: string | null = null;
  /** Commands given so far. */
  commands = 0;

  constructor(private readonly o: TrackOptions) {
    if (!(o.threshold > 0)) throw new RangeError(`the tracking threshold must be degrees > 0 (got ${o.threshold})`);
  }

  /** Where the target is now (degrees) on the sky clock. */
  where(at = this.o.clock.now()): { az: number; el: number } {
    return this.o.target.position(this.o.site, new Date(at));
  }

  /** Commands the target's position now and keeps following it. Resolves once the first command was taken (or refused). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.check(true);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.check(false).finally(() => this.schedule());
    }, this.o.tickMs ?? 200);
  }

  /** Commands the mount when due: forced, every `every` sky seconds, or when the error passes the threshold. */
  private async check(force: boolean): Promise<void> {
    if (this.busy || (this.stopped && !force)) return;
    this.busy = true;
    try {
      const at = this.o.clock.now();
      const target = this.where(at);
      const reported = { ...this.o.mount.last };
      const error = separation(reported, target);
      const every = this.o.every ?? 0;
      const due = force || error > this.o.threshold || (every > 0 && at - this.lastCommand >= every * 1000);
      if (!due) return;
      const commanded = this.o.correction ? this.o.correction(target) : target;
      try {
        await this.o.mount.goto(commanded.az, commanded.el);
        this.lastCommand = at;
        this.commands++;
        this.refused = null;
        this.o.onEvent?.({ at, kind: 'command', target, commanded, reported, error });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        // Out of the mount's limits (below the horizon, past a stop): said once, tried again each check.
        if (this.refused !== reason) this.o.onEvent?.({ at, kind: 'refused', target, commanded, reported, error, reason });
        this.refused = reason;
        this.lastCommand = at;
      }
    } finally {
      this.busy = false;
    }
  }
}
