/** Total power of each input per integration, the series the CSV and Radio-SkyPipe exports write. */
import type { ObservationConfig, StoredIntegration } from '../store/types.ts';
import { autoProduct } from './common.ts';

/**
 * Mean total power per spectrum of each input (Σ over channels of the auto
 * visibility, divided by the spectra summed; arbitrary units). NaN for an
 * integration of zero spectra.
 */
export function totalPower(it: StoredIntegration, config: ObservationConfig): number[] {
  const C = it.channels;
  const out: number[] = [];
  for (let a = 0; a < it.inputs; a++) {
    const p = autoProduct(a, it.inputs, config.fx.mode);
    let s = 0;
    for (let j = 0; j < C; j++) s += it.visibilities[2 * (p * C + j)]!;
    out.push(it.spectra > 0 ? s / it.spectra : NaN);
  }
  return out;
}
