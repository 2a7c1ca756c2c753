/// <reference types="@webgpu/types" />
/**
 * The WGSL kernels, one per file beside this one, compiled into labelled
 * modules and pipelines. Pipelines are built once per configuration (the
 * template); buffers and bind groups are the instance (gpu.ts).
 */
import { CorrelatorError } from '../correlator/errors.ts';

export type KernelName = 'unpack' | 'pfb' | 'fft' | 'shift' | 'xengine' | 'power2';

const files = new Map<string, Promise<string>>();

/** A .wgsl file beside this one, read once per process: from disk in Node, by fetch elsewhere. */
function wgslFile(name: string): Promise<string> {
  let code = files.get(name);
  if (code === undefined) {
    const url = new URL(`./${name}.wgsl`, import.meta.url);
    code = url.protocol === 'file:'
      ? import('node:fs/promises').then((fs) => fs.readFile(url, 'utf8'))
      : fetch(url).then((r) => r.text());
    files.set(name, code);
  }
  return code;
}

/**
 * The WGSL source of a kernel: common.wgsl (the workgroup size, the Batch
 * uniform, the invocation id), then the kernel's own file. Read from disk in
 * Node, by fetch elsewhere (an Electron renderer or a browser, where a
 * bundler serves `new URL('./x.wgsl', import.meta.url)` as an asset).
 */
export async function kernelSource(name: KernelName): Promise<string> {
  const [common, own] = await Promise.all([wgslFile('common'), wgslFile(name)]);
  return `${common}\n${own}`;
}

const modules = new WeakMap<GPUDevice, Map<KernelName, GPUShaderModule>>();

/** A labelled shader module per device and kernel, compiled once. */
export async function kernelModule(device: GPUDevice, name: KernelName): Promise<GPUShaderModule> {
  let perDevice = modules.get(device);
  if (!perDevice) modules.set(device, (perDevice = new Map()));
  let module = perDevice.get(name);
  if (!module) {
    const code = await kernelSource(name);
    module = perDevice.get(name) ?? device.createShaderModule({ label: `fringe ${name}.wgsl`, code });
    perDevice.set(name, module);
  }
  return module;
}

/**
 * A compute pipeline for `name` with its override constants fixed (label
 * `fringe <name> <label>`). Rejects with the compiler's messages when the
 * kernel does not compile or does not fit the device's limits.
 */
export async function kernelPipeline(
  device: GPUDevice,
  name: KernelName,
  label: string,
  constants: Record<string, number>,
): Promise<GPUComputePipeline> {
  const module = await kernelModule(device, name);
  try {
    return await device.createComputePipelineAsync({
      label: `fringe ${name} ${label}`,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants },
    });
  } catch (cause) {
    const info = await module.getCompilationInfo().catch(() => null);
    const messages = info?.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
    // Line numbers count common.wgsl's lines first.
    throw new CorrelatorError('backend', `kernel ${name}.wgsl (${label}) failed to build: ${String(cause)}${messages ? ` [${messages}; lines count common.wgsl first]` : ''}`, { cause });
  }
}
