/**
 * Calibration as an input to a running session: per-input delays, per-channel
 * complex gains and a scale to kelvin, handed to the correlator's pipeline
 * (`Pipeline.setCalibration`, applied from its next integration boundary)
 * and recorded as a 'calibration' event of the observation being written,
 * with the index of the first integration it applies to, so every
 * integration's calibration is known afterwards.
 */
import type { Pipeline } from '../../correlator/pipeline.ts';

/**
 * The correlator's calibration (correlator/types.ts `Calibration`; the same
 * shape, restated here until every build's correlator exports it).
 */
export interface Calibration {
  /** Per-input delays (samples, ≥ 0, may be fractional). */
  delays?: readonly number[];
  /** Per-input, per-channel complex gains (fft-shifted, interleaved re/im, length 2C), or null for unity. */
  gains?: readonly Float32Array[] | null;
  /** Per-input scale s_a (e.g. kelvin per unit of V_aa/K), or null for 1. */
  scale?: readonly number[] | null;
}

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

/** A pipeline that takes a calibration while running (the correlator's interface). */
interface Calibratable {
  setCalibration(c: Calibration): void;
}

/**
 * Hands `c` to the pipeline (applied from its next integration boundary).
 * Throws CalibrationError when this build's correlator cannot take one while running.
 */
export function applyCalibration(pipeline: Pipeline, c: Calibration): void {
  const p = pipeline as unknown as Partial<Calibratable>;
  if (typeof p.setCalibration !== 'function') {
    throw new CalibrationError('this correlator cannot change its calibration while running (it needs Pipeline.setCalibration): restart the session with the calibration instead');
  }
  p.setCalibration(c);
}
