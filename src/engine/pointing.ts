/**
 * Pointing as data: where each antenna of a session points (az/el from a
 * rotator or the simulator's scenario; RA/Dec and galactic l/b derived with
 * src/astro/pointing.ts), for an observation's `config.pointing` at its start
 * and its 'pointing' events as the dish moves. Times are sky time.
 */
import { pointingFromConfig } from '../../devices/sim/pointing.ts';
import type { Scenario } from '../../devices/sim/scenario.ts';
import type { ObservationPointing, ObservationSite } from '../../observations/store/types.ts';
import { describePointing } from '../astro/pointing.ts';

/** Where an antenna points (degrees), and who said so. */
export interface Aim {
  az: number;
  el: number;
  source: NonNullable<ObservationPointing['source']>;
}

/** Gives each input's aim at a sky time (ms since the Unix epoch), or null when nothing knows (a dongle without a rotator). */
export type Aiming = (skyMs: number) => Aim[] | null;

/** Something that reports a dish's position (degrees): a connected rotator's last reading. */
export interface PositionSource {
  readonly last: { az: number; el: number };
  /** Where it points at sky time `skyMs` (ms), when it knows (a planned scan tracking the sun); else `last` is used. */
  at?(skyMs: number): { az: number; el: number };
}

/**
 * Who knows where the inputs point: a rotator (every input on one mount),
 * else the simulator's scenario antennas (each its own, e.g. tracking the sun),
 * else nobody.
 */
export function aiming(rotator: PositionSource | null, scenario: Scenario | null, antennas: readonly number[]): Aiming {
  if (rotator) return (skyMs) => antennas.map(() => ({ ...(rotator.at?.(skyMs) ?? rotator.last), source: 'rotator' as const }));
  if (scenario) {
    const models = antennas.map((a) => pointingFromConfig(scenario.antennas[a]!.pointing, scenario.site));
    return (skyMs) => models.map((m) => ({ ...m.pointingAt(skyMs), source: 'scenario' as const }));
  }
  return () => null;
}

/** An aim in every frame a product needs, at sky time `skyMs`. */
export function describeAim(site: ObservationSite, aim: Aim, skyMs: number, antenna?: number): ObservationPointing {
  const p = describePointing(site, aim.az, aim.el, new Date(skyMs));
  return { ...p, source: aim.source, ...(antenna === undefined ? {} : { antenna }) };
}

/**
 * The pointing records for a set of aims: one for all inputs when they
 * agree (within 0.01°), else one per input with its `antenna`.
 */
export function pointingRecords(site: ObservationSite, aims: readonly Aim[], skyMs: number): ObservationPointing[] {
  const same = aims.every((a) => Math.abs(a.az - aims[0]!.az) < 0.01 && Math.abs(a.el - aims[0]!.el) < 0.01);
  return same ? [describeAim(site, aims[0]!, skyMs)] : aims.map((a, i) => describeAim(site, a, skyMs, i));
}

/**
 * Follows the aims of a recording and says when to record a 'pointing'
 * event: when any input moved more than `threshold` degrees since the last
 * one recorded (0.05°: a tenth of the sun's disk, far below a small dish's beam).
 */
export class PointingTracker {
  private last: Aim[] | null = null;

  constructor(
    private readonly site: ObservationSite,
    private readonly aimAt: Aiming,
    private readonly threshold = 0.05,
  ) {}

  /** The records at the start (for config.pointing: the first), remembered as the last recorded. */
  start(skyMs: number): ObservationPointing[] {
    const aims = this.aimAt(skyMs);
    this.last = aims;
    return aims ? pointingRecords(this.site, aims, skyMs) : [];
  }

  /**
   * The records to store as events at `skyMs` when the aim moved, else [].
   * A rotator's moves are recorded when it arrives (`at`), not on the way.
   */
  moved(skyMs: number): ObservationPointing[] {
    const aims = this.aimAt(skyMs);
    if (!aims || (this.last && aims.every((a) => a.source === 'rotator'))) return [];
    const prev = this.last;
    const far = !prev || aims.some((a, i) => separation(a, prev[i] ?? a) > this.threshold);
    if (!far) return [];
    this.last = aims;
    return pointingRecords(this.site, aims, skyMs);
  }

  /** Records a reported position now (a rotator's arrival), whatever the threshold. */
  at(skyMs: number): ObservationPointing[] {
    this.last = null;
    return this.moved(skyMs);
  }
}

/** Angle between two horizontal directions (degrees). */
function separation(a: { az: number; el: number }, b: { az: number; el: number }): number {
  const r = Math.PI / 180;
  const c = Math.sin(a.el * r) * Math.sin(b.el * r) + Math.cos(a.el * r) * Math.cos(b.el * r) * Math.cos((a.az - b.az) * r);
  return Math.acos(Math.min(1, Math.max(-1, c))) / r;
}
