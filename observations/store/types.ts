/** The records the store holds, as callers see them. Times are Unix seconds (UTC). */
import type { FxConfig, IntegrationEnd } from '../../correlator/types.ts';

export type ObservationStatus = 'recording' | 'complete' | 'interrupted';
export type EventKind = 'pointing' | 'calibration' | 'drop' | 'note';

export interface Site {
  id: number;
  name: string;
  /** Geodetic latitude (degrees, north positive). */
  latitude: number;
  /** Longitude (degrees, east positive). */
  longitude: number;
  /** Height above the WGS84 ellipsoid (m). */
  altitude: number;
}

export type InstrumentKind = 'dongle' | 'antenna' | 'rotator';

export interface Instrument {
  id: number;
  kind: InstrumentKind;
  name: string;
  /** Dongles: the EEPROM serial string. */
  serial: string | null;
  siteId: number | null;
  /** Antennas: position relative to the site's reference point, east/north/up (m). */
  position: { east: number; north: number; up: number } | null;
  /** Antennas: dish diameter (m). */
  dishDiameter: number | null;
  /** Anything else (rotator protocol and limits, dongle tuner, …). */
  details: Record<string, unknown>;
}

/** Where an antenna is, for an observation's configuration (metres from the site's reference). */
export interface AntennaPosition {
  name: string;
  east: number;
  north: number;
  up: number;
  /** Dish diameter (m), when it is a dish. */
  dishDiameter?: number;
}

/**
 * The full configuration of an observation, stored as JSON. Only the fields
 * below are read by the store and exporters; anything else is kept verbatim.
 */
export interface ObservationConfig {
  /** The Fringe version that recorded it. */
  softwareVersion: string;
  tuning: {
    /** Centre frequency of the band (Hz). */
    centerFrequency: number;
    /** Complex sample rate (Hz): the band is centre ± rate/2. */
    sampleRate: number;
    /** Tuner gain (dB). */
    gain?: number;
    /** Frequency correction (ppm). */
    ppm?: number;
    biasTee?: boolean;
  };
  /** The correlator configuration (gains, if any, as plain arrays). */
  fx: Omit<FxConfig, 'gains'> & { gains?: number[][] | null };
  /** Calibration applied or measured (free form). */
  calibration?: unknown;
  /** Antennas by input number (input a is antennas[a]); UVFITS needs them. */
  antennas?: AntennaPosition[];
  /**
   * Where the dish pointed when the recording started (degrees; ra/dec J2000, l/b galactic,
   * derived from az/el with src/astro/pointing.ts), and the phase centre for UVFITS.
   * Later moves are 'pointing' events (data: ObservationPointing, time: sky time).
   */
  pointing?: ObservationPointing;
  /** The observing site (as the station's settings or the simulator's scenario had it). */
  site?: ObservationSite;
  /** The sky clock the times were read from: real time, or the simulator's sky running `speed`× real time. */
  clock?: ObservationClock;
  /** e-CALLISTO station name (uppercase, no spaces) for the Callisto export. */
  station?: string;
  [key: string]: unknown;
}

/** Where an antenna pointed (degrees). ra/dec and l/b are absent only in observations older than these fields. */
export interface ObservationPointing {
  ra: number;
  dec: number;
  az?: number;
  el?: number;
  l?: number;
  b?: number;
  /** Which antenna (input), when they point differently; absent: all of them. */
  antenna?: number;
  /** Who said so: the rotator's reported position, the simulator's scenario, a fixed mount set by hand, or the target's catalogue position. */
  source?: 'rotator' | 'scenario' | 'fixed' | 'target';
}

export interface ObservationSite {
  name: string;
  /** Geodetic latitude (degrees, north positive). */
  lat: number;
  /** Longitude (degrees, east positive). */
  lon: number;
  /** Height above sea level (m). */
  altitude: number;
}

export interface ObservationClock {
  kind: 'real' | 'simulated';
  /** Sky seconds per wall-clock second (1 for real time). */
  speed: number;
}

export interface Observation {
  id: number;
  mode: string;
  target: string;
  siteId: number | null;
  /** Start of the recording (Unix s). */
  start: number;
  /** End (Unix s); null while recording. */
  end: number | null;
  status: ObservationStatus;
  /** Why it was interrupted (crash, disk full, …), else null. */
  interruptedReason: string | null;
  config: ObservationConfig;
  softwareVersion: string;
  /** Number of integrations stored. */
  integrations: number;
  /** Samples lost while recording (the 'drop' events): how many events, samples (all inputs), and their fraction of the samples the integrations took in plus those lost. The store always fills it. */
  drops?: ObservationDrops;
}

export interface ObservationDrops {
  events: number;
  samples: number;
  /** samples / (samples + samples taken in), 0…1. */
  fraction: number;
}

/** One stored integration, read back. Arrays are float32 as stored. */
export interface StoredIntegration {
  index: number;
  firstSample: number;
  /** Start of the integration (Unix s), from the sample count. */
  time: number;
  /** Length of the integration (s): spectra × channels / sample rate. */
  duration: number;
  spectra: number;
  end: IntegrationEnd;
  inputs: number;
  products: number;
  channels: number;
  /** products × channels × 2 (re, im) sums, fft-shifted channel order. */
  visibilities: Float32Array;
  /** inputs × channels Σ|X|⁴. */
  power2: Float32Array;
  clipped: number[];
  dropped: number[];
}

export interface ObservationEvent {
  id: number;
  observationId: number;
  time: number;
  kind: EventKind;
  data: Record<string, unknown>;
}

/** A raw IQ recording (SigMF pair) in the data folder. */
export interface RawRecording {
  id: number;
  observationId: number;
  /** Path of the `.sigmf-data` file, relative to the data folder. */
  path: string;
  /** SigMF datatype, e.g. `cu8`. */
  datatype: string;
  /** Sample rate (Hz). */
  sampleRate: number;
  /** Centre frequency (Hz). */
  frequency: number;
  numChannels: number;
  /** Time of the first sample (Unix s). */
  start: number;
  meta: Record<string, unknown>;
}

export interface ExportRecord {
  id: number;
  observationId: number;
  format: string;
  path: string;
  bytes: number;
  sha256: string;
  created: number;
}

/** Filters for listing observations; all optional, combined with AND. */
export interface ObservationFilter {
  mode?: string;
  status?: ObservationStatus;
  /** Substring of the target name. */
  target?: string;
  /** Started at or after (Unix s). */
  since?: number;
  /** Started before (Unix s). */
  until?: number;
  limit?: number;
}
