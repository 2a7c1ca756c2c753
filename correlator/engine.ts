/**
 * One thread's FX compute: the WebAssembly SIMD path for C ≥ 16 (PFFFT's
 * minimum), the plain JavaScript path below that. Both are checked by the
 * same conformance suite against the reference.
 */
import { JsEngine } from './engine-js.ts';
import { SimdEngine } from './engine-simd.ts';
import type { ResolvedFxConfig } from './types.ts';
import type { Engine } from './xengine.ts';

export type { Engine };

/** Spectra per batch: about 64 k samples per input per batch, at least one spectrum. */
export function batchSpectraFor(channels: number): number {
  return Math.max(1, Math.floor(65536 / channels));
}

export async function createEngine(config: ResolvedFxConfig, batch = batchSpectraFor(config.channels)): Promise<Engine> {
  return config.channels >= 16 ? SimdEngine.create(config, batch) : JsEngine.create(config, batch);
}
