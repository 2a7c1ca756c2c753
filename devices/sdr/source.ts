/**
 * The one interface every sample source implements, whatever carries the
 * bytes: librtlsdr through an FFI, an rtl_tcp connection, a SigMF or raw cu8
 * recording, or the simulated sky. Everything above (the correlator
 * pipeline, the recorder, the rtl_tcp server) sees only this.
 */
import type { Block } from '../../correlator/types.ts';

export type { Block };

/** A dongle's tuning. Every doc comment states units. */
export interface Tuning {
  /** Centre frequency (Hz). */
  centerFrequency: number;
  /** Sample rate (Hz = complex samples per second). */
  sampleRate: number;
  /** Tuner gain (dB), or 'auto' for the tuner's AGC. */
  gain: number | 'auto';
  /** Frequency correction (ppm). */
  ppm: number;
  /** Bias-tee power to the antenna port (on/off). */
  biasTee: boolean;
}

export const defaultTuning: Readonly<Tuning> = Object.freeze({
  centerFrequency: 1_420_405_752, // the hydrogen line (Hz)
  sampleRate: 2_400_000,
  gain: 40,
  ppm: 0,
  biasTee: false,
});

/** What a source is, for lists and logs. */
export interface SourceInfo {
  /** 'rtlsdr' | 'rtltcp' | 'file' | 'sim' | … */
  kind: string;
  /** Human-readable name, e.g. "Generic RTL2832U OEM" or "sim: antenna 0". */
  name: string;
  /** The dongle's USB serial where there is one. */
  serial?: string;
}

/**
 * An open source of cu8 samples. Opened through a static async factory of
 * its implementation (never a constructor that does I/O). Setters resolve to
 * the value the hardware actually applied.
 */
export interface SampleSource {
  readonly info: SourceInfo;
  /** The tuning as last applied by the hardware. */
  readonly tuning: Readonly<Tuning>;
  /** Gains the tuner supports (dB), ascending; empty when unknown. */
  readonly gains: readonly number[];
  setCenterFrequency(hz: number): Promise<number>;
  setSampleRate(hz: number): Promise<number>;
  setGain(db: number | 'auto'): Promise<number | 'auto'>;
  setPpm(ppm: number): Promise<number>;
  setBiasTee(on: boolean): Promise<boolean>;
  /**
   * Starts streaming and yields blocks (Block.input is this source's input
   * number, 0 unless it is part of a group). Breaking out of the loop stops
   * the stream. A failure (unplugged, connection lost) ends the iteration by
   * throwing a DeviceError; samples already yielded stay valid.
   */
  blocks(): AsyncIterable<Block>;
  /** Stops streaming and releases the device. Idempotent. */
  close(): Promise<void>;
}
