/**
 * Baseline indexing (fx.md): upper triangle, row-major, autos included:
 * (0,0), (0,1), …, (0,N−1), (1,1), …, (N−1,N−1).
 */

/** Number of baselines N(N+1)/2. */
export function baselineCount(inputs: number): number {
  return (inputs * (inputs + 1)) / 2;
}

/** Index of baseline (a, b), a ≤ b: a·N − a(a−1)/2 + (b − a). */
export function baselineIndex(inputs: number, a: number, b: number): number {
  if (a > b) throw new RangeError(`baseline (${a},${b}): the first input must not exceed the second`);
  return a * inputs - (a * (a - 1)) / 2 + (b - a);
}

/** The (a, b) pairs in baseline order. */
export function baselinePairs(inputs: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < inputs; a++) for (let b = a; b < inputs; b++) pairs.push([a, b]);
  return pairs;
}

/** The (a, b) pairs of the products a mode computes: all baselines, or autos only. */
export function productPairs(inputs: number, mode: 'full' | 'autos'): Array<[number, number]> {
  return mode === 'full' ? baselinePairs(inputs) : Array.from({ length: inputs }, (_, a) => [a, a] as [number, number]);
}
