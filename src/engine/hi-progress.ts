/**
 * Progress of a switched HI observation (hi-switch.ts observeSwitched) as a
 * person reads it, the same words for the CLI's bar and the station's 'task'
 * events (kind 'hi-observe'), which the Hydrogen page shows.
 */
import type { HiObserveTaskEvent } from '../api/types.ts';
import type { SwitchKind } from '../analysis/hi/switching.ts';
import type { SwitchedObserveResult, SwitchedProgress, SwitchedSummary } from './hi-switch.ts';

/** 'off, cycle 2 of 3, 14 integrations'; a slew says what moves: the dish (position) or the tuning (frequency). */
export function describeSwitchProgress(kind: SwitchKind, p: Pick<SwitchedProgress, 'phase' | 'cycle' | 'cycles' | 'integrations'>): string {
  const what = p.phase === 'slew' ? (kind === 'position' ? 'slewing' : 'retuning') : p.phase;
  return `${what}, cycle ${p.cycle + 1} of ${p.cycles}, ${plural(p.integrations, 'integration')}`;
}

/** How a switched observation ended, in words: its cycles (of those asked) and integrations. */
export function describeSwitchEnd(r: Pick<SwitchedObserveResult, 'observationId' | 'integrations' | 'status' | 'switching'>, cyclesDone?: number): string {
  const cycles = r.status === 'complete' ? plural(r.switching.cycles, 'cycle') : `${cyclesDone ?? 0} of ${plural(r.switching.cycles, 'cycle')}`;
  return `observation ${r.observationId} ${r.status}: ${cycles}, ${plural(r.integrations, 'integration')}`;
}

/**
 * The station's reporter for one hi.observe: `progress` emits on each change of phase or cycle and every 2 % (at most
 * 10 a second of wall time: it paces a display), `end` the complete or interrupted outcome (fraction 1 when complete),
 * `fail` the failure (and rethrows it).
 */
export function hiObserveTask(kind: SwitchKind, emit: (t: HiObserveTaskEvent) => void) {
  let last: HiObserveTaskEvent = { kind: 'hi-observe', switching: kind, fraction: 0, phase: kind === 'position' ? 'on' : 'lo', cycle: 0, cycles: 0, integrations: 0, message: 'starting' };
  let at = -Infinity;
  /** The fraction last seen, reported or not. */
  let latest = 0;
  return {
    progress(p: SwitchedProgress): void {
      const fraction = p.total > 0 ? p.samples / p.total : 0;
      latest = fraction;
      const now = performance.now();
      const changed = p.phase !== last.phase || p.cycle !== last.cycle;
      if (!changed && !(fraction - last.fraction >= 0.02 && now - at >= 100)) return;
      at = now;
      last = { ...last, fraction, phase: p.phase, cycle: p.cycle, cycles: p.cycles, integrations: p.integrations, message: describeSwitchProgress(kind, p) };
      emit(last);
    },
    end(r: SwitchedObserveResult): SwitchedObserveResult {
      const complete = r.status === 'complete';
      // The phases are equally long: whole cycles recorded are the whole multiples of 1/cycles of the fraction.
      const done = complete ? r.switching.cycles : Math.floor(latest * r.switching.cycles + 1e-9);
      emit({ ...last, fraction: complete ? 1 : latest, cycles: r.switching.cycles, integrations: r.integrations, message: describeSwitchEnd(r, done), result: r.observationId, status: r.status });
      return r;
    },
    fail(err: unknown): never {
      emit({ ...last, message: `failed: ${err instanceof Error ? err.message : String(err)}`, failed: true });
      throw err;
    },
  };
}

/** A switched reduction's cycles and integrations, in words: 'frequency-switched, 2 cycles (of 2 asked) used: 16 integrations, 2 dropped'. */
export function describeSwitchedReduction(s: SwitchedSummary): string {
  return `${s.kind}-switched, ${plural(s.cycles, 'cycle')} (of ${s.cycles_asked} asked) used: ${plural(s.integrations_used, 'integration')}, ${s.integrations_dropped} dropped`;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
