/**
 * Channel flags for square-law work: the DC channel (the RTL-SDR's LO
 * leakage), the band edges (the anti-alias filter's roll-off) and channels
 * whose spectral kurtosis says they are not Gaussian noise (RFI). Total power
 * is the sum over the channels left.
 */

export interface FlagOptions {
  /** Fraction of the band flagged at each edge (default 0.05). */
  edgeFraction?: number;
  /** SK threshold in standard deviations of SK for Gaussian noise, 2/√K (default 4). */
  skSigma?: number;
}

/** Flags (1 = flagged) for one input's channels, fft-shifted order; sk may be null (no kurtosis). */
export function channelFlags(channels: number, sk: ArrayLike<number> | null, spectra: number, o: FlagOptions = {}): Uint8Array {
  const flags = new Uint8Array(channels);
  const edge = Math.ceil(channels * (o.edgeFraction ?? 0.05));
  for (let j = 0; j < edge; j++) flags[j] = flags[channels - 1 - j] = 1;
  flags[channels / 2] = 1; // DC
  if (sk && spectra >= 2) {
    const limit = (o.skSigma ?? 4) * (2 / Math.sqrt(spectra));
    for (let j = 0; j < channels; j++) if (!(Math.abs(sk[j] - 1) <= limit)) flags[j] = 1;
  }
  return flags;
}

/** Σ power over unflagged channels. */
export function bandPower(power: ArrayLike<number>, flags: Uint8Array): number {
  let sum = 0;
  for (let j = 0; j < flags.length; j++) if (!flags[j]) sum += power[j];
  return sum;
}
