/**
 * The backend choice wherever the correlator is configured (the CLI, the
 * engine, the bench): `cpu`, `gpu`, `auto` (a hardware GPU when one works,
 * else the CPU), or `reference` (float64, slow: for checking). The choosing
 * itself is kernels/index.ts `chooseBackend`, the one chooser; this module
 * checks the choice and says in words only what the user did not ask for.
 */
import type { FxBackend } from '../../correlator/backend.ts';
import { CorrelatorError } from '../../correlator/errors.ts';
import type { BackendChoice, FxConfig } from '../../correlator/types.ts';
import { chooseBackend } from '../../kernels/index.ts';

export const backendChoices: readonly BackendChoice[] = ['cpu', 'gpu', 'auto', 'reference'];

export interface OpenedBackend {
  backend: FxBackend;
  /** What happened, for the user, when the choice was not taken as is (no GPU: the CPU instead), or which GPU 'auto' and 'gpu' found. */
  notice: string | null;
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
  const { backend, notice } = await chooseBackend(choice, config, { threads: options.threads, onNotice: options.onNotice });
  // The CPU and the reference, when chosen, need no words.
  return { backend, notice: choice === 'cpu' || choice === 'reference' ? null : notice };
}
