/**
 * An observation's drops (samples lost while recording, the store's 'drop'
 * events) as exports carry them: FITS keywords and the CSV sidecar's notes,
 * so whoever judges the data downstream sees them in the file itself.
 */
import type { Observation } from '../store/types.ts';
import { card } from './fits.ts';

/** DROPEVTS, DROPSAMP, DROPFRAC: how many integrations lost samples, how many samples (all inputs), and their fraction. */
export function dropCards(obs: Observation): string[] {
  const d = obs.drops;
  if (!d) return [];
  return [
    card('DROPEVTS', { int: d.events }, 'integrations that lost samples'),
    card('DROPSAMP', { int: d.samples }, 'samples lost while recording, all inputs'),
    card('DROPFRAC', d.fraction, 'lost / (lost + taken in), 0..1'),
  ];
}

/** The drops for a JSON sidecar: events, samples, fraction; null when the store did not count them. */
export function dropNote(obs: Observation): { drop_events: number; dropped_samples: number; dropped_fraction: number } | null {
  const d = obs.drops;
  return d ? { drop_events: d.events, dropped_samples: d.samples, dropped_fraction: d.fraction } : null;
}
