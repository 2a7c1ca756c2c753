/**
 * A stored sun drift as the wizard's result page and the report download
 * need it: the cuts read back (engine/drift.ts), the result the live run
 * kept with the observation (its 'note' event: calibration, radiometer
 * check, pointing correction), else the analysis of the stored data alone,
 * and every cut's points with the fitted model (drift-report.ts).
 */
import type { Store } from '../../observations/store/store.ts';
import { analyseDrift, fitCut, type DriftResult } from '../analysis/drift.ts';
import type { DriftRunResult, DriftSeriesView } from '../api/types.ts';
import { loadDrift } from './drift.ts';
import { reportSeries, runExtras, type ReportInput } from './drift-report.ts';

/** The result kept by the live run (drift-run.ts writes it as a note), or null for a drift recorded or imported otherwise. */
export function storedDriftResult(store: Store, id: number): DriftRunResult | null {
  const note = store.events(id).findLast((e) => e.kind === 'note' && (e.data as { mode?: unknown }).mode === 'drift' && typeof (e.data as { result?: unknown }).result === 'object');
  return note ? ((note.data as { result: DriftRunResult }).result) : null;
}

/** The report's input for a stored drift or cross-scan (DriftDataError when it holds no usable scan). */
export function driftReportInput(store: Store, id: number): ReportInput {
  const data = loadDrift(store, id);
  const kept = storedDriftResult(store, id);
  const result: DriftResult = kept ?? analyseDrift(data.cuts, { unit: data.unit, diameter: data.diameter ?? undefined, frequency: data.frequency, disk: data.disk ?? undefined });
  return {
    observation: id, when: new Date(data.observation.start * 1000).toISOString(), cuts: data.cuts, result, disk: data.disk ?? undefined,
    extra: kept ? runExtras(kept) : {},
  };
}

/** Every cut's points, fitted model and whether each point is in the fit window, with the result: what the result page plots. */
export function driftSeries(store: Store, id: number): DriftSeriesView {
  const input = driftReportInput(store, id);
  const cuts = reportSeries(input).map((series, i) => {
    // The fitted model on a fine grid across the cut, so a stepped scan's dozen points still show the fit's shape.
    const f = fitCut(input.cuts[i]!, { unit: input.result.unit, disk: input.disk });
    const lo = Math.min(...series.x), hi = Math.max(...series.x);
    const x = Array.from({ length: 241 }, (_, k) => lo + ((hi - lo) * k) / 240);
    return { ...series, curve: f.fit ? { x, y: x.map((v) => f.fit!.model(v)) } : null };
  });
  return { observation: id, unit: input.result.unit, result: input.result, cuts };
}
