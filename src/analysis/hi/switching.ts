/**
 * Switched hydrogen-line observations reduced as such: integrations tagged by
 * the phase they were recorded in become one calibrated difference spectrum
 * per cycle, which src/analysis/hi/reduce.ts then moves to the LSR, stacks,
 * flags, smooths, baselines and fits like any other spectrum.
 *
 * - Position switching: on source and off source alternate at the same
 *   tuning; each cycle gives (on − off)/off × T_sys. The receiver's bandpass
 *   divides out; what is left is the on-source line less whatever line the
 *   off position has (Galactic HI is everywhere: choose the off position
 *   where there is little of it, e.g. away from the plane).
 * - Frequency switching: two LO settings (lo = centre − Δ/2, hi = centre + Δ/2)
 *   alternate, each the other's reference: D_lo = (S_lo − S_hi)/S_hi × T_sys and
 *   D_hi = (S_hi − S_lo)/S_lo × T_sys each have the line positive (divided by a
 *   line-free level) and a negative copy; folding (shift by the throw and
 *   average the two positive copies) gives F(j) = (D_lo(j) + D_hi(j − k))/2 with
 *   k = Δ/δf whole channels, on the lo setting's channels. (Subtracting D_lo's
 *   own negative copy instead would divide it by T_sys + line: a peak low by
 *   about line/(2·T_sys).) The copies are separate only when the line is
 *   narrower than the throw; each line leaves a negative ghost at half
 *   amplitude a throw away (j0 ± k), outside the folded band when the line
 *   lies within (3k − C)/2 channels of the centre: choose the throw so.
 *
 * RFI: each cycle's difference carries the spectral kurtosis of the worst raw
 * channel that went into it, in either phase (switchedSk), so reduceHi flags
 * switched data by SK as it flags native data.
 *
 * Pure: the caller reads the store and the phases (src/engine/hi-switch.ts).
 */
import type { HiData, HiIntegration } from './reduce.ts';
import { HiError } from './reduce.ts';

export type SwitchKind = 'position' | 'frequency';
/** on/off (position), lo/hi (frequency), slew: the dish moving or the LO settling (not used). */
export type SwitchPhase = 'on' | 'off' | 'lo' | 'hi' | 'slew';

export interface SwitchEvent {
  /** Sky time (Unix s) from which the phase holds. */
  time: number;
  phase: SwitchPhase;
  /** The cycle (0-based) the phase belongs to. */
  cycle: number;
}

export interface SwitchedIntegration extends HiIntegration {
  /** Length (s). */
  duration: number;
}

export interface SwitchSetup {
  kind: SwitchKind;
  /** The system temperature (K) the difference is scaled by; omitted: the result is relative ((sig − ref)/ref). */
  tsysK?: number;
  /** Frequency switching: the throw between the two LO settings (Hz), a whole number of channels. */
  throwHz?: number;
}

/** The phase and cycle of an interval [t0, t1): null when a switch falls inside it (a mixed integration) or it lies before the first. */
export function phaseOf(events: readonly SwitchEvent[], t0: number, t1: number): { phase: SwitchPhase; cycle: number } | null {
  let at: SwitchEvent | null = null;
  for (const e of events) {
    if (e.time <= t0 + 1e-6) at = e;
    else if (e.time < t1 - 1e-6) return null;
  }
  return at && { phase: at.phase, cycle: at.cycle };
}

function meanOf(list: SwitchedIntegration[], C: number): Float64Array {
  const m = new Float64Array(C);
  for (const it of list) for (let j = 0; j < C; j++) m[j]! += it.power[j]! / list.length;
  return m;
}

/**
 * One calibrated difference spectrum per complete cycle (both phases present), as HiData for reduceHi:
 * values (sig − ref)/ref × T_sys (K) or the bare ratio (relative); the DC channel and, folded, its copy are NaN.
 */
export function switchedData(frequencies: Float64Array, integrations: readonly SwitchedIntegration[], events: readonly SwitchEvent[], setup: SwitchSetup, frame: HiData['frame'] = 'topocentric'): { data: HiData; used: number; dropped: number; cycles: number; notes: string[] } {
  const C = frequencies.length;
  const [sig, ref] = setup.kind === 'position' ? (['on', 'off'] as const) : (['lo', 'hi'] as const);
  const byCycle = new Map<number, { sig: SwitchedIntegration[]; ref: SwitchedIntegration[] }>();
  let dropped = 0;
  for (const it of integrations) {
    const p = phaseOf(events, it.time, it.time + it.duration);
    if (!p || (p.phase !== sig && p.phase !== ref)) {
      dropped++;
      continue;
    }
    const c = byCycle.get(p.cycle) ?? { sig: [], ref: [] };
    (p.phase === sig ? c.sig : c.ref).push(it);
    byCycle.set(p.cycle, c);
  }
  const df = (frequencies[C - 1]! - frequencies[0]!) / (C - 1);
  let k = 0;
  if (setup.kind === 'frequency') {
    if (!(setup.throwHz! > 0)) throw new HiError('a frequency-switched observation needs its throw (Hz).');
    k = Math.round(setup.throwHz! / df);
    if (Math.abs(k * df - setup.throwHz!) > df * 0.01) throw new HiError(`the throw ${setup.throwHz} Hz is not a whole number of ${df.toFixed(1)} Hz channels: it cannot be folded.`);
    if (k < 1 || k > C / 2) throw new HiError(`the throw (${k} channels) must be from 1 channel to half the band (${C / 2}) to fold.`);
  }
  const scale = setup.tsysK ?? 1;
  const edge = Math.ceil(C * 0.03);
  const out: HiIntegration[] = [];
  let used = 0;
  for (const [, c] of [...byCycle.entries()].sort((a, b) => a[0] - b[0])) {
    if (!c.sig.length || !c.ref.length) {
      dropped += c.sig.length + c.ref.length;
      continue;
    }
    used += c.sig.length + c.ref.length;
    const s = meanOf(c.sig, C), r = meanOf(c.ref, C);
    const diff = (a: Float64Array, b: Float64Array) => {
      const d = Float64Array.from(a, (x, j) => (b[j]! > 0 ? ((x - b[j]!) / b[j]!) * scale : NaN));
      d[C / 2] = NaN; // the receiver's DC channel
      // The band filter's roll-off (3 % each side), before folding moves it inward.
      for (let j = 0; j < edge; j++) d[j] = d[C - 1 - j] = NaN;
      return d;
    };
    const d = diff(s, r);
    // Folded: each setting is the other's reference, so each copy of the line is divided by a line-free level:
    // D_hi = (S_hi − S_lo)/S_lo, whose channel j − k sees the sky frequency of the lo setting's channel j.
    const dHi = k ? diff(r, s) : d;
    const power = k ? Float64Array.from(d, (x, j) => (j >= k ? (x + dHi[j - k]!) / 2 : NaN)) : d;
    // The LSR correction of the source's integrations (position: on source; frequency: both, the same pointing).
    const src = setup.kind === 'position' ? c.sig : [...c.sig, ...c.ref];
    const corr = src.reduce((a, it) => a + it.lsrCorrection, 0) / src.length;
    const spectra = [...c.sig, ...c.ref].reduce((a, it) => a + it.spectra, 0);
    const sk = switchedSk(phaseSk(c.sig, C), phaseSk(c.ref, C), k, power, spectra);
    out.push({ time: c.sig[0]!.time, power, lsrCorrection: corr, sk, spectra });
  }
  if (!out.length) throw new HiError(`no complete ${setup.kind}-switching cycle (both ${sig} and ${ref} integrations): record longer phases or more cycles.`);
  const notes = [
    setup.kind === 'position'
      ? `position switched: ${cyclesOf(out.length)} of (on − off)/off${setup.tsysK !== undefined ? ` × T_sys ${setup.tsysK} K` : ''}; the off position's own line is subtracted with it`
      : `frequency switched (throw ${(k * df / 1e3).toFixed(3)} kHz, ${k} channels): ${cyclesOf(out.length)} of (lo − hi)/hi${setup.tsysK !== undefined ? ` × T_sys ${setup.tsysK} K` : ''}, folded`,
    ...(dropped ? [`${dropped} ${dropped === 1 ? 'integration' : 'integrations'} not used (a switch or a move inside them, or an incomplete cycle)`] : []),
  ];
  return { data: { frequencies, integrations: out, kelvin: false, frame, switched: { unit: setup.tsysK !== undefined ? 'K' : 'relative', how: notes[0]! } }, used, dropped, cycles: out.length, notes };
}

/** One phase's spectral kurtosis: the mean over its integrations (all must carry it, else null) and the spectra behind it. */
interface PhaseSk {
  sk: Float64Array;
  spectra: number;
}

function phaseSk(list: SwitchedIntegration[], C: number): PhaseSk | null {
  if (!list.length || !list.every((it) => it.sk)) return null;
  const m = new Float64Array(C);
  for (const it of list) for (let j = 0; j < C; j++) m[j]! += it.sk![j]! / list.length;
  return { sk: m, spectra: list.reduce((a, it) => a + it.spectra, 0) };
}

/**
 * The spectral kurtosis a cycle's difference carries, so that reduceHi flags RFI in switched data as in native data:
 * a channel is as bad as the worst raw channel that went into it, in either phase. Position: channel j of on and of
 * off. Frequency (folded, on the lo setting's channels): F(j) = (D_lo(j) + D_hi(j − k))/2 uses lo and hi at j (sky
 * frequency f(j) and f(j) + throw) and at j − k (f(j) − throw and f(j)): RFI in the lo setting or the hi setting at
 * the channel's own sky frequency, and at a throw either side, whose copies folding leaves as negative ghosts.
 *
 * Each phase's SK is the mean of its integrations', whose scatter for Gaussian noise is 2/√K with K its spectra; the
 * worst deviation (in those standard deviations, with its sign) is given back on the scale of the cycle's `spectra`
 * (1 + z·2/√spectra), the count reduceHi's threshold (4·2/√K, src/analysis/rfi.ts channelFlags) is computed from.
 * Channels whose difference is NaN already (band edges, DC, unfolded) carry 1: nothing more to flag there.
 * Null when either phase lacks SK (imported data).
 */
export function switchedSk(sig: PhaseSk | null, ref: PhaseSk | null, k: number, power: Float64Array, spectra: number): Float64Array | null {
  if (!sig || !ref || !(spectra > 0)) return null;
  const C = power.length;
  const z = (p: PhaseSk, j: number) => ((p.sk[j]! - 1) * Math.sqrt(p.spectra)) / 2;
  const out = new Float64Array(C).fill(1);
  for (let j = 0; j < C; j++) {
    if (!Number.isFinite(power[j]!)) continue;
    const zs = k ? [z(sig, j), z(ref, j), z(sig, j - k), z(ref, j - k)] : [z(sig, j), z(ref, j)];
    // NaN (a channel without power) is the worst: it stays NaN, and channelFlags flags it.
    let worst = 0;
    for (const x of zs) {
      if (Number.isNaN(x)) { worst = NaN; break; }
      if (Math.abs(x) > Math.abs(worst)) worst = x;
    }
    out[j] = 1 + (worst * 2) / Math.sqrt(spectra);
  }
  return out;
}

const cyclesOf = (n: number) => `${n} ${n === 1 ? 'cycle' : 'cycles'}`;
