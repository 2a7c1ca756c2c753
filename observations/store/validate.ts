/** Validation of an observation's configuration before it reaches the store. */
import { check } from '../errors.ts';
import type { ObservationConfig } from './types.ts';

const finitePositive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Checks the fields the store and exporters rely on; returns the config unchanged. */
export function validateConfig(config: ObservationConfig): ObservationConfig {
  check(config !== null && typeof config === 'object', 'config must be an object');
  check(typeof config.softwareVersion === 'string' && config.softwareVersion !== '', 'config.softwareVersion must name the Fringe version');
  const t = config.tuning;
  check(t && typeof t === 'object', 'config.tuning is required');
  check(finitePositive(t.centerFrequency), 'config.tuning.centerFrequency must be a positive number (Hz)');
  check(finitePositive(t.sampleRate), 'config.tuning.sampleRate must be a positive number (Hz)');
  const fx = config.fx;
  check(fx && typeof fx === 'object', 'config.fx is required');
  check(Number.isInteger(fx.inputs) && fx.inputs >= 1 && fx.inputs <= 255, 'config.fx.inputs must be an integer 1…255');
  if (config.imported !== undefined) {
    // Another tool's spectra (observations/import/): its channel count, whatever it is (an SRT gives 156).
    check(Number.isInteger(fx.channels) && fx.channels >= 1 && fx.channels <= 65536, 'config.fx.channels of an imported observation must be a whole number, 1…65536');
  } else {
    check(
      Number.isInteger(fx.channels) && fx.channels >= 2 && fx.channels <= 65536 && (fx.channels & (fx.channels - 1)) === 0,
      'config.fx.channels must be a power of two, 2…65536',
    );
  }
  check(fx.mode === undefined || fx.mode === 'full' || fx.mode === 'autos', "config.fx.mode must be 'full' or 'autos'");
  if (config.antennas !== undefined) {
    check(Array.isArray(config.antennas) && config.antennas.length === fx.inputs, 'config.antennas needs one entry per input');
    for (const a of config.antennas) {
      check(typeof a.name === 'string' && a.name !== '' && finite(a.east) && finite(a.north) && finite(a.up), 'each antenna needs a name and east/north/up (m)');
    }
  }
  if (config.pointing !== undefined) {
    const p = config.pointing;
    check(finite(p.ra) && p.ra >= 0 && p.ra < 360 && finite(p.dec) && Math.abs(p.dec) <= 90, 'config.pointing needs ra 0…360 and dec −90…90 (degrees)');
  }
  if (config.station !== undefined) {
    check(typeof config.station === 'string' && /^[A-Za-z0-9-]{1,24}$/.test(config.station), 'config.station must be letters, digits or -, up to 24');
  }
  return config;
}
