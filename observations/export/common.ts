/** What every exporter shares: options, results, times, the channel axis, auto-product indexing. */
import { check, ObservationError } from '../errors.ts';
import type { Observation, ObservationConfig } from '../store/types.ts';

/** Progress of a long export: `done` of `total` units (integrations, bytes). */
export type Progress = (done: number, total: number) => void;

export interface ExportOptions {
  onProgress?: Progress;
}

export interface ExportResult {
  /** The file written (absolute or as given). */
  path: string;
  /** Size (bytes). */
  bytes: number;
  /** SHA-256 of the file (hex). */
  sha256: string;
}

/** JD of the Unix epoch (1970-01-01T00:00Z). */
export const unixEpochJd = 2440587.5;
/** Unix s → Julian date (UTC). */
export const julianDate = (unix: number): number => unix / 86400 + unixEpochJd;

/** Unix s → `YYYY-MM-DDTHH:MM:SS.sss` (UTC, no zone letter: the FITS DATE form). */
export function fitsDate(unix: number): string {
  return new Date(Math.round(unix * 1000)).toISOString().slice(0, 23);
}

/**
 * Centre frequency of each channel in fft-shifted order (Hz): channel j is at
 * centre + (j − C/2)·rate/C, so channel C/2 is the tuned frequency.
 */
export function channelFrequencies(config: ObservationConfig): Float64Array {
  const { centerFrequency, sampleRate } = config.tuning;
  const C = config.fx.channels;
  return Float64Array.from({ length: C }, (_, j) => centerFrequency + ((j - C / 2) * sampleRate) / C);
}

/** Index of input a's auto-correlation among the products (upper triangle row-major, or autos). */
export function autoProduct(a: number, inputs: number, mode: 'full' | 'autos' | undefined): number {
  return mode === 'autos' ? a : a * inputs - (a * (a - 1)) / 2;
}

/** Baselines (a ≤ b) in product order. */
export function productPairs(inputs: number, mode: 'full' | 'autos' | undefined): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < inputs; a++) {
    if (mode === 'autos') out.push([a, a]);
    else for (let b = a; b < inputs; b++) out.push([a, b]);
  }
  return out;
}

/** Refuses to export an observation without integrations. */
export function requireData(obs: Observation): void {
  if (obs.integrations === 0) {
    throw new ObservationError('state', `observation ${obs.id} has no integrations to export.`);
  }
}

export function checkInput(obs: Observation, input: number): void {
  check(Number.isInteger(input) && input >= 0 && input < obs.config.fx.inputs, `input must be 0…${obs.config.fx.inputs - 1}`);
}
