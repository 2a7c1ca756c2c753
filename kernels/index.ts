/**
 * The GPU backend's public surface: `createGpuBackend` for `--backend gpu`,
 * `chooseBackend` for 'gpu' and 'auto'. The station, the CLI and the bench
 * choose through the one chooser, src/engine/backend.ts `openBackend`, which
 * delegates those two choices here (and loads this module only then).
 */
import type { FxBackend } from '../correlator/backend.ts';
import { CpuBackend, type CpuOptions } from '../correlator/cpu.ts';
import type { BackendChoice, FxConfig } from '../correlator/types.ts';
import { acquireGpu, type AcquireOptions } from './device.ts';
import { FallbackBackend, type FallbackOptions } from './fallback.ts';
import { GpuBackend, type GpuOptions } from './gpu.ts';

export { acquireGpu, GpuContext, type AcquireOptions, type GpuPath } from './device.ts';
export { GpuBackend, twiddleTable, type GpuOptions } from './gpu.ts';
export { FallbackBackend, type FallbackOptions } from './fallback.ts';
export { fftPasses, makePlan, type FftPass, type Plan, type PlanOptions } from './plan.ts';

export interface GpuBackendOptions extends GpuOptions, FallbackOptions, AcquireOptions {}

/**
 * The GPU backend on the best device found (device.ts), wrapped so that a
 * device lost mid-stream falls back to the CPU backend without losing an
 * integration. Rejects with a CorrelatorError ('backend') when there is no
 * adapter at all; `chooseBackend` turns that into a CPU backend and a notice.
 */
export async function createGpuBackend(config: FxConfig, options: GpuBackendOptions = {}): Promise<FallbackBackend> {
  const context = await acquireGpu(options);
  try {
    const gpu = await GpuBackend.create(context, config, { ...options, ownsDevice: true });
    return new FallbackBackend(gpu, options);
  } catch (e) {
    context.destroy();
    throw e;
  }
}

export interface ChooseOptions extends GpuBackendOptions {
  /** Worker threads of the CPU backend, when it is chosen or takes over (default 1); `cpu` overrides. */
  threads?: number;
  /** CPU backend options when the CPU is chosen or takes over. */
  cpu?: CpuOptions;
}

/**
 * The backend for a choice: 'cpu' the CPU backend; 'gpu' the GPU backend when
 * a device works (llvmpipe included), else the CPU backend; 'auto' a hardware
 * GPU only: a software rasterizer such as llvmpipe is far slower than the CPU
 * backend (measured on this project's 2-core machine, N = 8, C = 1024:
 * 0.8–1.4 MS/s per input against 5.7), so there 'auto' means the CPU.
 * `notice` says in words what was chosen and why (show it to the user).
 */
export async function chooseBackend(
  choice: BackendChoice,
  config: FxConfig,
  options: ChooseOptions = {},
): Promise<{ backend: FxBackend; notice: string }> {
  const cpuOptions = options.cpu ?? { threads: options.threads ?? 1 };
  const cpu = async (why: string) => ({ backend: await CpuBackend.create(config, cpuOptions), notice: why });
  if (choice === 'cpu') return cpu('using the CPU backend, as chosen');
  if (choice === 'reference') {
    const { ReferenceBackend } = await import('../correlator/reference.ts');
    return { backend: new ReferenceBackend(config), notice: 'using the float64 reference backend, as chosen (slow)' };
  }
  if (choice !== 'gpu' && choice !== 'auto') {
    const { CorrelatorError } = await import('../correlator/errors.ts');
    throw new CorrelatorError('config', `backend must be 'cpu', 'gpu', 'auto' or 'reference' (got ${String(choice)})`);
  }
  try {
    const backend = await createGpuBackend(config, { ...options, cpu: cpuOptions, ...(choice === 'auto' ? { hardwareOnly: true } : {}) });
    const gpu = backend.gpuBackend!;
    return { backend, notice: `using the GPU backend on ${gpu.context.description} (${gpu.context.path})` };
  } catch (e) {
    if (!(e instanceof Error && 'kind' in e && e.kind === 'backend')) throw e;
    if (choice === 'auto') return cpu('no hardware GPU found: computing on the CPU');
    return cpu(`the GPU backend was chosen but is unavailable: ${e.message}; using the CPU backend`);
  }
}
