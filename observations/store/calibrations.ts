/**
 * Calibration records (schema migration 6): a per-channel gain to kelvin
 * (kelvin per unit of the correlator's auto power per spectrum) measured at
 * a time by a method (noise diode, hot load, the sun) with what was entered
 * (the diode's excess, the loads' temperatures, the sun's flux) and the
 * system temperature then. The current one is the latest not retired that
 * matches the receiver's channels and tuning; later integrations are scaled
 * by it (Session.setCalibration), and the Live view says when it was taken.
 */
import type Database from 'better-sqlite3';
import { ObservationError } from '../errors.ts';

export interface CalibrationRecordRow {
  id: number;
  /** When it was measured (Unix s, sky time). */
  time: number;
  method: string;
  /** What was entered or known (JSON object): the diode's excess K, the hot and cold loads' K, the sun's flux… */
  inputs: Record<string, unknown>;
  channels: number;
  centerFrequency: number | null;
  sampleRate: number | null;
  tunerGain: number | null;
  /** Per channel, K per unit of auto power per spectrum (null: flagged, use the band's). */
  gain: (number | null)[];
  tsys: number | null;
  tsysSigma: number | null;
  observationId: number | null;
  /** When it was retired (Unix s), or null while it may be current. */
  retired: number | null;
}

export type NewCalibration = Omit<CalibrationRecordRow, 'id' | 'retired'>;

interface Row {
  id: number; time_s: number; method: string; inputs: string; channels: number; center_frequency_hz: number | null; sample_rate_hz: number | null;
  tuner_gain_db: number | null; gain: string; tsys_k: number | null; tsys_sigma_k: number | null; observation_id: number | null; retired_s: number | null;
}

const toRecord = (r: Row): CalibrationRecordRow => ({
  id: r.id, time: r.time_s, method: r.method, inputs: JSON.parse(r.inputs) as Record<string, unknown>, channels: r.channels,
  centerFrequency: r.center_frequency_hz, sampleRate: r.sample_rate_hz, tunerGain: r.tuner_gain_db, gain: JSON.parse(r.gain) as (number | null)[],
  tsys: r.tsys_k, tsysSigma: r.tsys_sigma_k, observationId: r.observation_id, retired: r.retired_s,
});

function bad(what: string): never {
  throw new ObservationError('invalid', `calibration record: ${what}`);
}

export function addCalibration(db: Database.Database, c: NewCalibration): CalibrationRecordRow {
  if (!(Number.isFinite(c.time) && c.time > 0)) bad('time must be a positive number of Unix seconds');
  if (typeof c.method !== 'string' || !/^[a-z][a-z0-9-]*$/.test(c.method)) bad('method must be a lowercase word (noise-diode, hot-load, sun)');
  if (!(Number.isInteger(c.channels) && c.channels > 0)) bad('channels must be a whole number > 0');
  if (!Array.isArray(c.gain) || c.gain.length !== c.channels || c.gain.some((g) => g !== null && !(Number.isFinite(g) && g > 0))) {
    bad(`gain must hold one value > 0 (or null for a flagged channel) per channel (${c.channels})`);
  }
  if (c.gain.every((g) => g === null)) bad('every channel is flagged: there is no gain to apply');
  const info = db
    .prepare(
      `INSERT INTO calibrations (time_s, method, inputs, channels, center_frequency_hz, sample_rate_hz, tuner_gain_db, gain, tsys_k, tsys_sigma_k, observation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(c.time, c.method, JSON.stringify(c.inputs ?? {}), c.channels, c.centerFrequency, c.sampleRate, c.tunerGain, JSON.stringify(c.gain), c.tsys, c.tsysSigma, c.observationId);
  return { ...c, id: Number(info.lastInsertRowid), retired: null };
}

/** The records, newest first. */
export function listCalibrations(db: Database.Database, limit = 100): CalibrationRecordRow[] {
  return (db.prepare('SELECT * FROM calibrations ORDER BY time_s DESC, id DESC LIMIT ?').all(limit) as Row[]).map(toRecord);
}

/**
 * The calibration in force: the latest not retired, for a receiver of
 * `channels` channels tuned within 1 MHz of `centerFrequency` (Hz) at
 * `tunerGain` dB when those are given (a gain measured at another tuning or
 * gain does not apply); null when none applies.
 */
export function currentCalibration(db: Database.Database, match: { channels?: number; centerFrequency?: number; tunerGain?: number } = {}): CalibrationRecordRow | null {
  const rows = (db.prepare('SELECT * FROM calibrations WHERE retired_s IS NULL ORDER BY time_s DESC, id DESC').all() as Row[]).map(toRecord);
  return (
    rows.find(
      (r) =>
        (match.channels === undefined || r.channels === match.channels) &&
        (match.centerFrequency === undefined || r.centerFrequency === null || Math.abs(r.centerFrequency - match.centerFrequency) <= 1e6) &&
        (match.tunerGain === undefined || r.tunerGain === null || Math.abs(r.tunerGain - match.tunerGain) < 0.05),
    ) ?? null
  );
}

/** Retires every current record at `time` (Unix s): power goes back to relative units until the next calibration. Returns how many. */
export function retireCalibrations(db: Database.Database, time = Date.now() / 1000): number {
  return db.prepare('UPDATE calibrations SET retired_s = ? WHERE retired_s IS NULL').run(time).changes;
}
