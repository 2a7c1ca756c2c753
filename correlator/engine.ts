/**
 * One thread's FX compute: the WebAssembly SIMD path for C ≥ 16 (PFFFT's
 * minimum), the plain JavaScript path below that. Both are checked by the
 * same conformance suite against the reference.
 */
import { JsEngine } from './engine-js.ts';
import { SimdEngine } from './engine-simd.ts';
import { compileSimd, type SimdModules } from './simd/module.ts';
import type { ResolvedFxConfig } from './types.ts';
import type { Engine } from './xengine.ts';

export type { Engine };

/** Spectra per batch: about 64 k samples per input per batch, at least one spectrum. */
export function batchSpectraFor(channels: number): number {
  return Math.max(1, Math.floor(65536 / channels));
}

export async function createEngine(config: ResolvedFxConfig, batch = batchSpectraFor(config.channels), modules?: SimdModules): Promise<Engine> {
  return config.channels >= 16 ? SimdEngine.create(config, batch, modules) : JsEngine.create(config, batch);
}

/** The compiled WebAssembly an engine for `config` needs (none below 16 channels), to hand to worker threads. */
export async function engineModules(config: ResolvedFxConfig): Promise<SimdModules | undefined> {
  return config.channels >= 16 ? compileSimd() : undefined;
}
