/**
 * Kelvin in the live view: when a calibration record is current for the
 * live session's receiver (its channels, tuning and gain: the store's
 * currentCalibration), its per-channel gain is handed to the session's
 * pipeline (setCalibration, from the next integration), and the spectrum
 * events of the integrations it applies to say so: unit K, when it was
 * taken, how. A retune away from the record's tuning or gain drops back to
 * relative units.
 */
import type { Store } from '../../observations/store/store.ts';
import type { CalibrationRecordRow } from '../../observations/store/calibrations.ts';
import type { Session } from './session.ts';

export interface LiveKelvin {
  /** The count of the session's calibration that carries it (integrations with this `calibration` are in K). */
  count: number;
  record: CalibrationRecordRow;
}

const applied = new WeakMap<Session, LiveKelvin>();

/** Applies the current calibration to a single-input session whose receiver it fits; returns it, or null when none fits. */
export function applyCurrentCalibration(session: Session, store: Store): LiveKelvin | null {
  if (!session.pipeline || session.inputs !== 1) return null;
  const tuning = session.source.tuning;
  const record = store.currentCalibration({
    channels: session.fx.channels,
    centerFrequency: tuning.centerFrequency,
    ...(typeof tuning.gain === 'number' ? { tunerGain: tuning.gain } : {}),
  });
  if (!record) return null;
  const known = record.gain.filter((g): g is number => g !== null).sort((a, b) => a - b);
  const fill = known[Math.floor(known.length / 2)]!;
  const gains = new Float32Array(2 * record.channels);
  record.gain.forEach((g, j) => (gains[2 * j] = Math.sqrt(g ?? fill)));
  const count = session.setCalibration({ gains: [gains] });
  const k = { count, record };
  applied.set(session, k);
  return k;
}

/** What a spectrum event says of its unit: the calibration when the integration carries it and the tuning still fits, else null. */
export function kelvinOf(session: Session, calibration: number): { unit: 'K'; time: number; method: string; tsys: number | null } | null {
  const k = applied.get(session);
  if (!k || calibration !== k.count) return null;
  const t = session.source.tuning;
  const r = k.record;
  if (r.centerFrequency !== null && Math.abs(r.centerFrequency - t.centerFrequency) > 1e6) return null;
  if (r.tunerGain !== null && typeof t.gain === 'number' && Math.abs(r.tunerGain - t.gain) >= 0.05) return null;
  return { unit: 'K', time: r.time, method: r.method, tsys: r.tsys };
}

/**
 * What a recording notes of the kelvin calibration an integration carries (a
 * 'calibration' event's `kelvin`): the record, when and how it was taken,
 * and the channels it flagged (no gain of their own: the band's median was
 * applied), so the HI reduction reads the integrations as kelvin.
 */
export interface RecordedKelvin {
  record: number;
  time: number;
  method: string;
  tsys: number | null;
  /** Channels (in order of rising frequency) the record had no gain for. */
  flagged: number[];
}

/** The kelvin calibration of count `calibration` as a recording notes it, or null when the integrations it marks are not in kelvin. */
export function recordedKelvin(session: Session, calibration: number): RecordedKelvin | null {
  const k = kelvinOf(session, calibration);
  if (!k) return null;
  const r = applied.get(session)!.record;
  const flagged: number[] = [];
  r.gain.forEach((g, j) => g === null && flagged.push(j));
  return { record: r.id, time: r.time, method: r.method, tsys: r.tsys, flagged };
}
