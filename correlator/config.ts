/**
 * Validation of an FxConfig, once, at construction: one specific error per
 * precondition, each saying what to change.
 */
import { baselineCount } from './baselines.ts';
import { CorrelatorError } from './errors.ts';
import type { FxConfig, ResolvedFxConfig } from './types.ts';

/** Largest FFT length any backend supports (channels). */
export const maxChannels = 65536;

function fail(message: string): never {
  throw new CorrelatorError('config', message);
}

function positiveInteger(value: unknown, name: string, hint: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    fail(`${name} must be an integer ≥ 1 (got ${String(value)}); ${hint}`);
  }
  return value;
}

export function validateConfig(config: FxConfig): ResolvedFxConfig {
  if (config === null || typeof config !== 'object') fail('the correlator configuration must be an object');
  const inputs = positiveInteger(config.inputs, 'inputs', 'give the number of dongles (1 or more)');
  const channels = positiveInteger(config.channels, 'channels', 'use a power of two such as 1024');
  if ((channels & (channels - 1)) !== 0 || channels < 2) {
    fail(`channels must be a power of two ≥ 2 (got ${channels}); try ${2 ** Math.round(Math.log2(Math.max(channels, 2)))}`);
  }
  if (channels > maxChannels) fail(`channels must be at most ${maxChannels} (got ${channels})`);
  const taps = positiveInteger(config.taps, 'taps', 'use 4 for a typical polyphase filter bank (1 gives a single windowed FFT)');
  if (taps > 64) fail(`taps must be at most 64 (got ${taps}); 4 to 16 taps already give a flat passband`);
  const spectraPerIntegration = positiveInteger(
    config.spectraPerIntegration,
    'spectraPerIntegration',
    'give the number of spectra summed per integration',
  );
  const mode = config.mode ?? 'full';
  if (mode !== 'full' && mode !== 'autos') fail(`mode must be 'full' or 'autos' (got ${String(mode)})`);

  const delays = config.delays ? [...config.delays] : new Array<number>(inputs).fill(0);
  if (delays.length !== inputs) fail(`delays must have one entry per input: ${inputs} expected, got ${delays.length}`);
  delays.forEach((d, a) => {
    if (!Number.isInteger(d) || d < 0) fail(`delays[${a}] must be an integer number of samples ≥ 0 (got ${d}); shift the other inputs instead of using a negative delay`);
  });

  const gains = config.gains ? validateGains(config.gains, inputs, channels) : null;
  return {
    inputs,
    channels,
    taps,
    spectraPerIntegration,
    mode,
    delays,
    gains,
    products: mode === 'full' ? baselineCount(inputs) : inputs,
  };
}

/** Checks per-input complex gains: one Float32Array of 2·C finite numbers (re, im) per input. */
export function validateGains(gains: readonly Float32Array[], inputs: number, channels: number): Float32Array[] {
  if (!Array.isArray(gains)) fail('gains must be an array with one Float32Array per input');
  if (gains.length !== inputs) fail(`gains must have one array per input: ${inputs} expected, got ${gains.length}`);
  return gains.map((g, a) => {
    if (!(g instanceof Float32Array)) fail(`gains[${a}] must be a Float32Array of interleaved re/im pairs`);
    if (g.length !== 2 * channels) {
      fail(`gains[${a}] must hold ${2 * channels} numbers (re, im for each of ${channels} channels), got ${g.length}`);
    }
    for (let i = 0; i < g.length; i++) {
      if (!Number.isFinite(g[i])) fail(`gains[${a}][${i}] is not a finite number (${g[i]})`);
    }
    return Float32Array.from(g);
  });
}

/** Samples a window of `spectra` spectra spans: (spectra − 1)·C + T·C. */
export function windowSamples(config: Pick<ResolvedFxConfig, 'channels' | 'taps'>, spectra: number): number {
  return (spectra - 1) * config.channels + config.taps * config.channels;
}
