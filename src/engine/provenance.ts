/**
 * What every observation records about where its samples came from, whichever
 * path recorded it (fringe observe, raw mode, the station's record button).
 */
import type { SampleSource } from '../../devices/sdr/source.ts';
import { softwareVersion } from './version.ts';

/** The software, the tuning the hardware applied (an AGC gain is not a number of dB: left out), and the source. */
export function provenance(source: SampleSource, spec: string) {
  const { gain, ...tuning } = source.tuning;
  return { softwareVersion, tuning: { ...tuning, gain: gain === 'auto' ? undefined : gain }, source: { spec, ...source.info } };
}

/** What an observation is of when the user does not say: the simulator's dish tracks the sun. */
export function defaultTarget(source: SampleSource): string {
  return source.info.kind === 'sim' ? 'Sun' : '';
}
