/**
 * The live view's recent past, kept by the engine so that a page opened (or
 * reloaded) later sees the total power and the drops from the start of the
 * live view, not from when it connected. Types only.
 */

/** Total power points the engine keeps: 20 minutes at 4 per second (the UI's strip chart holds as many). */
export const powerHistoryLength = 4800;

export interface LiveHistory {
  /** Inputs of the source (1 for a single dongle, a group's members). */
  inputs: number;
  /** Integration start times (Unix s, sky time), oldest first; at most `powerHistoryLength`. */
  time: number[];
  /** Per input: band power at each time. */
  power: number[][];
  /** Per point: samples dropped (all inputs) in that integration. */
  dropped: number[];
  /** Per point: whether its power is in kelvin (a calibration applied, the spectrum's `kelvin`); absent: all relative. */
  kelvin?: boolean[];
  /** Per point: samples that integration took in (all inputs). */
  samples: number[];
  /** Since the live view started (every integration, not only those kept): spectra, samples dropped and taken in (all inputs), and when it started (Unix s). */
  totals: { since: number | null; spectra: number; dropped: number; samples: number };
}

/** A stored observation's waterfall (`observations.waterfall`): one input, averaged down for plotting. */
export interface ObservationWaterfall {
  id: number;
  input: number;
  /** Column centres (Hz), ascending. */
  frequency: number[];
  /** Start of each row (Unix s, the integrations' sky time). */
  time: number[];
  /** power[row][column]: mean power per spectrum (arbitrary units). */
  power: number[][];
  /** Integrations averaged into each row, channels into each column. */
  step: number;
  channelsPerColumn: number;
}
