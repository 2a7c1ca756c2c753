/**
 * The polyphase filter bank's prototype filter (fx.md):
 * h[m] = sinc((m − (M−1)/2)/C) · (0.5 − 0.5·cos(2πm/(M−1))), m = 0 … M−1, M = T·C,
 * a Hann-windowed sinc whose main lobe is one channel wide. No normalisation.
 */

function sinc(u: number): number {
  if (u === 0) return 1;
  const x = Math.PI * u;
  return Math.sin(x) / x;
}

/** The T·C prototype coefficients in float64. */
export function prototypeFilter(channels: number, taps: number): Float64Array {
  const M = channels * taps;
  const h = new Float64Array(M);
  // With M = 1 (C = 1, T = 1 never passes validation) the window would divide by zero.
  const span = Math.max(M - 1, 1);
  for (let m = 0; m < M; m++) {
    h[m] = sinc((m - (M - 1) / 2) / channels) * (0.5 - 0.5 * Math.cos((2 * Math.PI * m) / span));
  }
  return h;
}
