/**
 * Choosing the FX backend wherever the correlator is configured (the CLI,
 * the engine, the bench): `cpu`, `gpu`, `auto` (the GPU when one works, else
 * the CPU), or `reference` (float64, slow: for checking).
 */
import type { FxBackend } from '../../correlator/backend.ts';
import { CpuBackend } from '../../correlator/cpu.ts';
import { CorrelatorError } from '../../correlator/errors.ts';
import { ReferenceBackend } from '../../correlator/reference.ts';
import type { BackendChoice, FxConfig } from '../../correlator/types.ts';

export const backendChoices: readonly BackendChoice[] = ['cpu', 'gpu', 'auto', 'reference'];

export interface OpenedBackend {
  backend: FxBackend;
  /** What happened, for the user, when the choice was not taken as is (no GPU: the CPU instead). */
  notice: string | null;
}

/** The GPU side (kernels/), loaded only when asked for, so the CPU path never pays for WebGPU. */
interface GpuModule {
  chooseBackend(choice: 'gpu' | 'auto', config: FxConfig, options: BackendOptions): Promise<OpenedBackend>;
}

export interface BackendOptions {
  /** CPU worker threads (also for a CPU that takes over from a lost GPU). */
  threads?: number;
  /** Told when the backend changes mid-stream (a lost GPU: the CPU takes over). */
  onNotice?: (notice: string) => void;
}

export async function openBackend(choice: BackendChoice, config: FxConfig, options: BackendOptions = {}): Promise<OpenedBackend> {
  if (!backendChoices.includes(choice)) {
    throw new CorrelatorError('config', `backend must be one of ${backendChoices.join(', ')} (got ${String(choice)})`);
  }
  if (choice === 'reference') return { backend: new ReferenceBackend(config), notice: null };
  if (choice === 'cpu') return { backend: await CpuBackend.create(config, { threads: options.threads }), notice: null };
  const specifier = '../../kernels/index.ts'; // resolved at run time: the GPU backend is optional
  let gpu: GpuModule;
  try {
    gpu = (await import(specifier)) as GpuModule;
  } catch (err) {
    if (choice === 'gpu') throw new CorrelatorError('backend', 'the GPU backend could not be loaded; use --backend cpu', { cause: err });
    return { backend: await CpuBackend.create(config, { threads: options.threads }), notice: 'GPU backend not available: computing on the CPU' };
  }
  return gpu.chooseBackend(choice, config, options);
}
