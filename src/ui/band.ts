/** The 'Band' power scale of a spectrum plot: the passband's level a few dB either side, so a line a few tenths of a dB high is plain to see. */

/**
 * y range (dB) of the passband: the 1st to 99th percentile of the middle 76 %
 * of the channels (the rolloff left out), 0.4 dB below and 1 dB above; tones
 * and the DC spike run off the top. Undefined when there is nothing finite.
 */
export function bandRange(y: readonly number[]): [number, number] | undefined {
  const middle = y.slice(Math.floor(y.length * 0.12), Math.ceil(y.length * 0.88)).filter(Number.isFinite).sort((a, b) => a - b);
  return middle.length ? [middle[Math.floor(middle.length * 0.01)]! - 0.4, middle[Math.floor(middle.length * 0.99)]! + 1] : undefined;
}
