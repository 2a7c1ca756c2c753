/// <reference types="@webgpu/types" />
/**
 * GPU device acquisition, in one place, and the one place that watches a
 * device for loss and uncaptured errors.
 *
 * Order: a browser or Electron renderer's `navigator.gpu`; else Dawn for Node
 * (the `webgpu` package) with its normal adapter (Vulkan, Metal, D3D12); else,
 * on a machine without a GPU, Mesa's llvmpipe through Dawn's OpenGL ES backend
 * (EGL_PLATFORM=surfaceless, featureLevel 'compatibility'), whose limits the
 * kernels are written to fit (16 KiB workgroup memory, 4 storage buffers per
 * stage, 128 invocations per workgroup).
 */
import { CorrelatorError } from '../correlator/errors.ts';

/** Which route gave the adapter. */
export type GpuPath = 'navigator' | 'native' | 'llvmpipe';

export interface AcquireOptions {
  /** Skip the normal adapter and go straight to llvmpipe (tests that must be reproducible). */
  softwareOnly?: boolean;
  /** Never use llvmpipe (only a real GPU). */
  hardwareOnly?: boolean;
}

/** A device with its provenance and its health, watched from creation on. */
export class GpuContext {
  /** Why the device was lost, once it is (null while healthy). */
  lost: string | null = null;
  /** The first uncaptured WebGPU error (validation, out of memory, internal), if any. */
  error: string | null = null;
  private destroying = false;

  constructor(
    readonly device: GPUDevice,
    /** Adapter description, e.g. "llvmpipe (OpenGL ES 3.2 Mesa 22.3.6)". */
    readonly description: string,
    readonly path: GpuPath,
    /** The GPU instance the device came from: Dawn's must outlive its devices, or the process aborts. */
    private readonly instance: GPU | null = null,
  ) {
    if (instance) live++;
    device.lost.then((info) => {
      this.lost ??= `${info.reason === 'destroyed' && !this.destroying ? 'destroyed' : info.reason}: ${info.message || 'no message'}`;
    });
    device.onuncapturederror = (event: GPUUncapturedErrorEvent) => {
      this.error ??= `${event.error.constructor?.name ?? 'GPUError'}: ${event.error.message}`;
    };
  }

  /** Null while the device can be trusted, else why not. */
  get failure(): string | null {
    if (this.lost !== null) return `the GPU device was lost (${this.lost})`;
    if (this.error !== null) return `the GPU reported an error (${this.error})`;
    return null;
  }

  /** Destroys the device on purpose (close): not a failure anyone needs to hear about. */
  destroy(): void {
    if (this.destroying) return;
    this.destroying = true;
    this.device.destroy();
    // dawn.node keeps Node's event loop alive while an instance is referenced: drop ours with the last device.
    if (this.instance && --live === 0) dawn = null;
  }
}

type Gpu = GPU;
let dawn: Map<string, Gpu> | null = null;
/** Contexts alive on a Dawn instance of this process. */
let live = 0;

/** Dawn's GPU object for a backend option, created once per process (Dawn keeps one instance per create()). */
async function dawnGpu(options: string[]): Promise<Gpu | null> {
  let mod: { create(options: string[]): Gpu; globals: object };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch {
    return null;
  }
  dawn ??= new Map();
  const key = options.join(',');
  if (!dawn.has(key)) {
    // The WebGPU classes (GPUBufferUsage, GPUMapMode, …) as globals, as in a browser.
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) Object.assign(globalThis, { [k]: v });
    dawn.set(key, mod.create(options));
  }
  return dawn.get(key)!;
}

async function tryAdapter(gpu: Gpu | null | undefined, options: GPURequestAdapterOptions): Promise<GPUAdapter | null> {
  if (!gpu) return null;
  try {
    return await gpu.requestAdapter(options);
  } catch {
    return null;
  }
}

function describe(adapter: GPUAdapter): string {
  const info = adapter.info;
  return [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' ') || 'unnamed adapter';
}

/**
 * Whether Dawn's default backend finds an adapter, asked in a child
 * process. Probing loads every driver Dawn knows, and some (Mesa's Vulkan
 * and EGL on a machine without a GPU) print warnings straight to the
 * process's stderr, where they would mix with a command's output and
 * progress. Asked once per process.
 */
export function probeNativeGpu(): Promise<boolean> {
  nativeProbe ??= (async () => {
    if (typeof process === 'undefined') return true; // a browser: nothing to probe out of process
    // Loaded here, not at the top: this module also runs where there is no Node.
    const [{ execFile }, { createRequire }, { pathToFileURL }] = await Promise.all([import('node:child_process'), import('node:module'), import('node:url')]);
    let entry: string;
    try {
      entry = createRequire(import.meta.url).resolve('webgpu');
    } catch {
      return false;
    }
    const script =
      `const m = await import(${JSON.stringify(pathToFileURL(entry).href)});` +
      `const a = await m.create([]).requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);` +
      `process.stdout.write(a ? 'found' : 'none'); process.exit(0);`;
    return new Promise<boolean>((resolve) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 }, (err, stdout) => resolve(!err && stdout.trim() === 'found')),
    );
  })();
  return nativeProbe;
}
let nativeProbe: Promise<boolean> | null = null;

/**
 * A GPU device: the normal adapter first, then llvmpipe. Throws a
 * CorrelatorError ('backend') that says what was tried when there is none.
 */
export async function acquireGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  const tried: string[] = [];
  let adapter: GPUAdapter | null = null;
  let path: GpuPath = 'native';
  let instance: Gpu | null = null;
  if (!options.softwareOnly) {
    const nav = (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu;
    if (nav) {
      adapter = await tryAdapter(nav, { powerPreference: 'high-performance' });
      path = 'navigator';
      tried.push('navigator.gpu');
    }
    if (!adapter && (await probeNativeGpu())) {
      instance = await dawnGpu([]);
      adapter = await tryAdapter(instance, { powerPreference: 'high-performance' });
      path = 'native';
      tried.push('Dawn default backend');
    } else if (!adapter) tried.push('Dawn default backend (none, asked in a child process)');
  }
  if (!adapter && !options.hardwareOnly) {
    // Must be set before Dawn opens EGL; Node's process.env writes through to the C environment.
    if (typeof process !== 'undefined') process.env.EGL_PLATFORM ??= 'surfaceless';
    instance = await dawnGpu(['backend=opengles']);
    adapter = await tryAdapter(instance, { featureLevel: 'compatibility' } as GPURequestAdapterOptions);
    path = 'llvmpipe';
    tried.push(`Dawn OpenGL ES (llvmpipe, EGL_PLATFORM=${typeof process !== 'undefined' ? process.env.EGL_PLATFORM : 'unset'})`);
  }
  if (!adapter) {
    if (live === 0) dawn = null;
    throw new CorrelatorError(
      'backend',
      `no WebGPU adapter (tried ${tried.join(', ')}); install a GPU driver, or Mesa's EGL and GLES ` +
        `(scripts/install-system-deps.sh) for the software path, or use the CPU backend`,
    );
  }
  let device: GPUDevice;
  try {
    // Buffer sizes as large as the adapter allows (large C·T·N windows); everything else at the
    // defaults, so that the kernels are planned for the same limits on every machine.
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    device = await adapter.requestDevice({ label: 'fringe FX correlator', requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
  } catch (cause) {
    if (live === 0) dawn = null;
    throw new CorrelatorError('backend', `the WebGPU adapter '${describe(adapter)}' refused a device: ${String(cause)}`, { cause });
  }
  return new GpuContext(device, describe(adapter), path, path === 'navigator' ? null : instance);
}
