/**
 * Planning: when a job's start falls (at a time, the next transit of a
 * target, a local sidereal time, a target rising above an elevation), when
 * its next occurrence is (daily, every transit), whether its constraints
 * hold over its window (minimum elevation, sun avoidance), which planned
 * windows overlap, and the 24 h timeline the plan view draws. Pure: times in
 * ms since the Unix epoch on the sky clock.
 */
import type { JobSpec } from '../../api/inputs.ts';
import type { Site } from '../../astro/site.ts';
import { nextLst, nextRise, nextTransit, parseTarget, separation, type Target } from '../../astro/targets.ts';

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

/** A start that is not a plain time: the search it names. */
export type StartRule =
  | { kind: 'at'; time: number }
  | { kind: 'transit'; target: Target }
  | { kind: 'lst'; hours: number }
  | { kind: 'rise'; target: Target; elevation: number };

/** Reads a target, or ScheduleError saying what is accepted. */
export function target(text: string): Target {
  try {
    return parseTarget(text);
  } catch (err) {
    throw new ScheduleError((err as Error).message);
  }
}

/** Reads a start as written (the form is checked by inputs.startProblem); `in:S` counts from `now`. */
export function startRule(text: string, now: number): StartRule {
  if (text.startsWith('in:')) return { kind: 'at', time: now + Number(text.slice(3)) * 1000 };
  if (text.startsWith('transit:')) return { kind: 'transit', target: target(text.slice(8)) };
  if (text.startsWith('rise:')) {
    const m = /^rise:([^:]+)(?::(-?\d+(?:\.\d+)?))?$/.exec(text)!;
    return { kind: 'rise', target: target(m[1]!), elevation: m[2] === undefined ? 10 : Number(m[2]) };
  }
  if (text.startsWith('lst:')) {
    const [h, m, s] = text.slice(4).split(':').map(Number) as [number, number, number?];
    return { kind: 'lst', hours: h + m / 60 + (s ?? 0) / 3600 };
  }
  return { kind: 'at', time: Date.parse(text) };
}

/**
 * The first start of a rule at or after `after` (ms). A transit-centred job
 * (a drift scan, a transit run) starts half its duration before the transit,
 * so the transit is in the middle of its window.
 */
export function firstStart(rule: StartRule, site: Site, after: number, durationS: number): number {
  switch (rule.kind) {
    case 'at':
      return rule.time;
    case 'transit': {
      const half = (durationS * 1000) / 2;
      const t = nextTransit(rule.target, site, after + half - 1000);
      if (t === null) throw new ScheduleError(`${rule.target.text} does not transit: an az/el position stays where it is; start it at a time instead`);
      return t - half;
    }
    case 'lst':
      return nextLst(site, after - 1000, rule.hours);
    case 'rise': {
      const t = nextRise(rule.target, site, after - 1000, rule.elevation);
      if (t === null) throw new ScheduleError(`${rule.target.text} does not rise above ${rule.elevation}° in the next 48 h from this site`);
      return t;
    }
  }
}

/** The occurrence after one that started at `prev` (ms), or null for a job that does not repeat. */
export function nextOccurrence(spec: JobSpec, rule: StartRule, site: Site, prev: number): number | null {
  if (spec.repeat === 'none') return null;
  if (spec.repeat === 'daily') {
    // Daily: the same rule a day on (a transit or a rise drifts with the sky; a time stays a time of day).
    if (rule.kind === 'at') return prev + 86_400_000;
    return firstStart(rule, site, prev + 12 * 3_600_000, spec.duration);
  }
  // Every transit: of the job's start target, else of its tracked target.
  const t = rule.kind === 'transit' || rule.kind === 'rise' ? rule.target : spec.target ? target(spec.target) : null;
  if (!t) throw new ScheduleError('repeat transit needs a target: start it at transit:TARGET or give it a target');
  return firstStart({ kind: 'transit', target: t }, site, prev + (spec.duration * 1000) + 60_000, spec.duration);
}

/** What breaks a job's constraints over its window (sampled every 5 min and at its ends), or null. */
export function constraintProblem(spec: JobSpec, site: Site, start: number, end: number): string | null {
  if (!spec.target || (spec.minElevation === undefined && spec.sunAvoidance === undefined)) return null;
  const t = target(spec.target);
  const sun = parseTarget('sun');
  const step = 300_000;
  for (let at = start; ; at = Math.min(end, at + step)) {
    const p = t.position(site, new Date(at));
    if (spec.minElevation !== undefined && p.el < spec.minElevation) {
      return `${t.text} is at ${p.el.toFixed(1)}° elevation at ${new Date(at).toISOString()}, below the job's minimum ${spec.minElevation}°`;
    }
    if (spec.sunAvoidance !== undefined && t.spec.kind !== 'sun') {
      const d = separation(p, sun.position(site, new Date(at)));
      if (d < spec.sunAvoidance) return `${t.text} is ${d.toFixed(1)}° from the sun at ${new Date(at).toISOString()}, inside the job's sun avoidance of ${spec.sunAvoidance}°`;
    }
    if (at >= end) return null;
  }
}

export interface Window {
  id: number;
  start: number;
  end: number;
}

/** Pairs of planned windows that overlap (ids, in start order). */
export function overlaps(windows: readonly Window[]): [number, number][] {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const out: [number, number][] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j]!.start < sorted[i]!.end; j++) out.push([sorted[i]!.id, sorted[j]!.id]);
  }
  return out;
}

export interface Track {
  target: string;
  /** Elevation (degrees) at each of the timeline's times. */
  el: number[];
}

/** Elevations of the sun and each target every `stepMin` minutes over [from, from + hours): the plan view's curves. */
export function elevations(site: Site, targets: readonly string[], from: number, hours = 24, stepMin = 10): { times: number[]; tracks: Track[] } {
  const times: number[] = [];
  for (let t = from; t <= from + hours * 3_600_000; t += stepMin * 60_000) times.push(t);
  const names = ['sun', ...targets.filter((x) => x.toLowerCase() !== 'sun')];
  const tracks = [...new Set(names)].map((name) => {
    const t = target(name);
    return { target: t.text, el: times.map((at) => Math.round(t.position(site, new Date(at)).el * 10) / 10) };
  });
  return { times, tracks };
}
