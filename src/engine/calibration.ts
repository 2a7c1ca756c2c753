/**
 * Calibration as an input to a running session: per-input delays, per-channel
 * complex gains and a scale to kelvin, handed to the correlator's pipeline
 * (`Pipeline.setCalibration`, applied from its next integration boundary)
 * and recorded as a 'calibration' event of the observation being written,
 * with the index of the first integration it applies to, so every
 * integration's calibration is known afterwards.
 */
import type { Calibration } from '../../correlator/types.ts';

export type { Calibration };

export class CalibrationError extends Error {
  override name = 'CalibrationError';
  readonly kind = 'calibration';
}

/** The calibration as an observation stores it: plain arrays (gains as [re, im, re, im, …] per input). */
export interface CalibrationRecord {
  delays?: number[];
  gains?: number[][] | null;
  scale?: number[] | null;
}

export function calibrationRecord(c: Calibration): CalibrationRecord {
  return {
    ...(c.delays ? { delays: [...c.delays] } : {}),
    ...(c.gains !== undefined ? { gains: c.gains && c.gains.map((g) => Array.from(g)) } : {}),
    ...(c.scale !== undefined ? { scale: c.scale && [...c.scale] } : {}),
  };
}

/** Checks a calibration against a correlator of `inputs` inputs and `channels` channels, saying what is wrong. */
export function checkCalibration(c: Calibration, inputs: number, channels: number): void {
  const bad = (why: string) => {
    throw new CalibrationError(`${why}; give one value per input (${inputs} inputs, ${channels} channels)`);
  };
  if (c.delays !== undefined && (c.delays.length !== inputs || c.delays.some((d) => !(Number.isFinite(d) && d >= 0)))) bad('delays must be finite samples ≥ 0');
  if (c.gains && (c.gains.length !== inputs || c.gains.some((g) => g.length !== 2 * channels || g.some((x) => !Number.isFinite(x))))) {
    bad(`gains must be finite complex values, 2×${channels} numbers per input`);
  }
  if (c.scale && (c.scale.length !== inputs || c.scale.some((s) => !(Number.isFinite(s) && s > 0)))) bad('scale must be finite and > 0');
}
