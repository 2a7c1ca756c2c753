/** How the UI shows lost samples: one wording on the Live page, the observation list and an observation's page. */
import { formatCount } from './spectrum.ts';

/** A fraction 0…1 as a percentage with enough digits to be non-zero when it is: "0.52 %", "0.0031 %", "0 %". */
export function formatFraction(f: number): string {
  if (!(f > 0)) return '0 %';
  const pct = f * 100;
  const digits = pct >= 1 ? 1 : pct >= 0.01 ? 2 : Math.min(6, Math.ceil(-Math.log10(pct)) + 1);
  return `${pct.toFixed(digits)} %`;
}

/** Tone of a drop count: none is fine; any is a warning; over 1 % of the samples is bad (a total-power curve has holes to see). */
export function dropTone(dropped: number, fraction: number): 'ok' | 'warn' | 'bad' {
  return dropped === 0 ? 'ok' : fraction > 0.01 ? 'bad' : 'warn';
}

/** "237 drops · 13 340 438 samples (0.52 %)" for an observation, or null when it lost none. */
export function dropSummary(d: { events: number; samples: number; fraction: number } | undefined): string | null {
  if (!d || d.samples === 0) return null;
  return `${formatCount(d.events)} drop${d.events === 1 ? '' : 's'} · ${formatCount(d.samples)} samples (${formatFraction(d.fraction)})`;
}
