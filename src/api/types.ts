/**
 * The payloads of the contract (src/api/contract.ts): what the engine sends
 * and every UI reads. They live here so that a UI imports nothing but
 * src/api.
 */
import type { Tuning } from '../../devices/sdr/source.ts';
import type { Site } from '../astro/site.ts';
import type { StageCounts } from '../engine/live.ts';
import type { RotatorStatus } from '../engine/rotator.ts';

/** One integration as subscribers see it: per-input mean power spectra and what flags them. */
export interface SpectrumEvent {
  /** Start of the integration (Unix s), from the sample count. */
  time: number;
  centerFrequency: number;
  sampleRate: number;
  channels: number;
  spectra: number;
  /** Per input: mean |X|² per channel (fft-shifted), V_aa/K. */
  power: Float32Array[];
  /** Per input: spectral kurtosis per channel. */
  sk: Float32Array[];
  /** Per input: mean power summed over unflagged channels (DC, edges, SK outliers flagged). */
  totalPower: number[];
  clipped: number[];
  dropped: number[];
  /** The observation being recorded, or null. */
  recording: number | null;
  /** The live session's queues so far (source → FX core → store and subscribers), with what they dropped. */
  stages: StageCounts[];
  /** A group's baselines: the band-averaged coherence and its phase (see bandCoherence). */
  baselines?: BaselineCoherence[];
}

export interface BaselineCoherence {
  a: number;
  b: number;
  /** |Σ_j V_ab| / √(Σ_j V_aa · Σ_j V_bb) over the channels neither input flags: 0 (none) … 1 (one common source). */
  coherence: number;
  /** arg Σ_j V_ab (degrees). */
  phase: number;
}

export interface StationStatus {
  live: null | {
    source: string;
    kind: string;
    name: string;
    tuning: Tuning;
    channels: number;
    taps: number;
    integration: number;
    backend: string;
    /** The session's queues (see SpectrumEvent.stages). */
    stages: StageCounts[];
    /** Samples the blocks stage refused because the FX core fell behind. */
    droppedSamples: number;
  };
  /** `samples`: written so far by a raw recording (which has no integrations). */
  recording: null | { id: number; mode: string; target: string; integrations: number; samples?: number };
  site: Site;
  /** The simulator's scenario: a built-in name (sources.ts), a file set by hand in station.json, or null for the default. */
  scenario: string | null;
  notices: string[];
  /** The connected rotator, or null. */
  rotator: RotatorStatus | null;
}

/** Progress of long work the station does for the UI (reprocessing). */
export interface TaskEvent {
  kind: 'reprocess';
  observation: number;
  /** 0…1 */
  fraction: number;
  message: string;
  /** The observation it made, when done. */
  result?: number;
  failed?: boolean;
}

