/**
 * Comparing two qualification reports (the Qualification page): per
 * requirement, the measured values side by side and whether the second is
 * better, worse or the same — judged by the margin to the limit (how far
 * inside it the value is, in the requirement's unit), so "better" means
 * "further from failing" whatever the direction of the limit.
 */
import type { QualificationReport, QualificationResult } from '../api/types.ts';

/** Distance inside the limit (negative: outside), in the requirement's unit; null without a value. */
export function margin(r: Pick<QualificationResult, 'limit' | 'measured'>): number | null {
  if (r.measured === null) return null;
  const m: number[] = [];
  if (r.limit.max !== undefined) m.push(r.limit.max - r.measured);
  if (r.limit.min !== undefined) m.push(r.measured - r.limit.min);
  return m.length ? Math.min(...m) : null;
}

export interface ComparisonRow {
  id: string;
  title: string;
  unit: string;
  limitText: string;
  a: QualificationResult | null;
  b: QualificationResult | null;
  /** How B compares with A: by the margin to the limit; 'only A'/'only B' when one report lacks it. */
  change: 'better' | 'worse' | 'same' | 'only A' | 'only B' | 'not comparable';
}

/** Rows for every requirement in either report (A's order, then B's extra ones). Same: margins within 1e-9 of the larger, or both verdicts n/a. */
export function compareReports(a: QualificationReport, b: QualificationReport): ComparisonRow[] {
  const ids = [...a.requirements.map((r) => r.id), ...b.requirements.map((r) => r.id).filter((id) => !a.requirements.some((r) => r.id === id))];
  return ids.map((id) => {
    const ra = a.requirements.find((r) => r.id === id) ?? null, rb = b.requirements.find((r) => r.id === id) ?? null;
    const base = (ra ?? rb)!;
    let change: ComparisonRow['change'];
    if (!ra) change = 'only B';
    else if (!rb) change = 'only A';
    else {
      const ma = margin(ra), mb = margin(rb);
      if (ma === null || mb === null) change = ra.verdict === rb.verdict ? 'same' : 'not comparable';
      else if (Math.abs(mb - ma) <= 1e-9 * Math.max(Math.abs(ma), Math.abs(mb), 1e-300)) change = 'same';
      else change = mb > ma ? 'better' : 'worse';
    }
    return { id, title: base.title, unit: base.unit, limitText: base.limitText, a: ra, b: rb, change };
  });
}

/** A measured value for a table cell: 4 significant digits, ± σ, the unit. */
export function measuredText(r: QualificationResult | null): string {
  if (!r) return '';
  if (r.measured === null) return r.verdict === 'not-applicable' ? 'n/a' : '—';
  const f = (v: number) => (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(4))));
  return `${f(r.measured)}${r.sigma !== null ? ` ± ${f(r.sigma)}` : ''}${r.unit ? ` ${r.unit}` : ''}`;
}
