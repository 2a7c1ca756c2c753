/**
 * Pure helpers of the Drift wizard (pages/Drift.tsx, pages/DriftResult.tsx):
 * numbers with their 1σ, the day's published solar flux as entered, the
 * measured flux against it, the live plot's points from the 'drift' events,
 * and where the report downloads from. No DOM, no Node.
 */
import type { Events } from '../api/contract.ts';
import { pageToken } from './api.ts';

/** A value with its 1σ and unit ("14.44 ± 0.02 °"), or "—" when the data could not give it. */
export function withSigma(v: number | null | undefined, sigma: number | null | undefined, unit: string, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const s = sigma !== null && sigma !== undefined && Number.isFinite(sigma) ? ` ± ${sigma.toFixed(digits)}` : '';
  return `${v.toFixed(digits)}${s}${unit ? ` ${unit}` : ''}`;
}

/** RSTN's 1415 MHz and Penticton's F10.7 (2800 MHz) as the user typed them: published values (MHz, sfu), or why one is not a number. */
export function publishedFlux(rstn: string, f107: string): { published: { mhz: number; sfu: number }[]; problem: string | null } {
  const published: { mhz: number; sfu: number }[] = [];
  for (const [text, mhz, name] of [[rstn, 1415, 'RSTN 1415 MHz'], [f107, 2800, 'F10.7']] as const) {
    if (text.trim() === '') continue;
    const sfu = Number(text);
    if (!(Number.isFinite(sfu) && sfu > 0)) return { published, problem: `${name}: enter the flux in sfu, a number above 0 (e.g. 70), not '${text}'` };
    published.push({ mhz, sfu });
  }
  return { published, problem: null };
}

/** The measured flux against the entered one: their ratio, its σ, and whether they agree within 10 % (the issue's tolerance) or 2σ. */
export function fluxAgreement(measured: number | null, sigma: number | null, entered: number | null): { ratio: number; sigma: number; agrees: boolean } | null {
  if (measured === null || entered === null || !(entered > 0)) return null;
  const ratio = measured / entered, s = (sigma ?? 0) / entered;
  return { ratio, sigma: s, agrees: Math.abs(ratio - 1) <= Math.max(0.1, 2 * s) };
}

export type DriftEvent = Events['drift'];

/** The live plot's points so far: the drift's (offset along the sun's track) and the elevation scan's (elevation offset), in kelvin only. */
export interface LivePoints {
  drift: { x: number[]; y: number[] };
  scan: { x: number[]; y: number[] };
}

export const emptyPoints = (): LivePoints => ({ drift: { x: [], y: [] }, scan: { x: [], y: [] } });

/** Adds one event's point (new arrays, so React and plotly see the change); calibration points and uncalibrated ones are not plotted. */
export function addPoint(p: LivePoints, e: DriftEvent): LivePoints {
  if (!e.point || e.point.unit !== 'K' || e.phase === 'calibrate') return p;
  const key = e.phase === 'scan' ? 'scan' : 'drift';
  const s = p[key];
  return { ...p, [key]: { x: [...s.x, e.point.offset], y: [...s.y, e.point.power] } };
}

/** What each phase is, for a person. */
export const phaseWords: Record<DriftEvent['phase'], string> = {
  calibrate: 'Calibrating to kelvin (reference, then the load switched in)',
  drift: 'Drift: the dish holds still while the sun passes through the beam',
  scan: 'Elevation scan: stepping across the sun while tracking it',
};

/** Where the browser downloads a drift's report (same origin; the token when the page has one), or null in the desktop app. */
export function driftReportUrl(id: number, format: 'html' | 'pdf' | 'csv', desktop = typeof window !== 'undefined' && !!window.fringe): string | null {
  if (desktop) return null;
  const q = new URLSearchParams({ id: String(id), format });
  const token = pageToken();
  if (token) q.set('token', token);
  return `/api/drift-report?${q}`;
}

/** Degrees as a compass-free pair for a person: "az 181.23°, el 61.40°". */
export const azEl = (p: { az: number; el: number }) => `az ${p.az.toFixed(2)}°, el ${p.el.toFixed(2)}°`;

/** An ISO time as "2026-06-21 12:02:13 UTC". */
export const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
